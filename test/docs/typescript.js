// Type-checks the TypeScript and JavaScript blocks of the documentation in one TypeScript program,
// and prepares the runnable ones as ES modules.
//
// Each block becomes its own module file under test/docs/.generated/ (inside this package, so
// `import "fal-native"` and `require("fal-native/...")` resolve to the package itself through its
// package.json "exports", with the declarations in dist/, exactly as for an installed copy). The
// block's prelude (code it leaves to the reader, written in its annotation) goes first. JavaScript
// blocks are checked with checkJs; top-level await is allowed since every file is a module.
"use strict";

const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const GENERATED = path.join(__dirname, ".generated");
const STUBS = ["electron.d.ts", "window.d.ts"].map((name) => path.join(__dirname, "stubs", name));

const EXTENSIONS = { js: ".js", javascript: ".js", ts: ".ts", typescript: ".ts", tsx: ".tsx" };

const COMPILER_OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  types: ["node"],
  typeRoots: [path.join(__dirname, "..", "..", "node_modules", "@types")],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  allowJs: true,
  checkJs: true,
  jsx: ts.JsxEmit.Preserve,
};

function isScript(block) {
  return Object.hasOwn(EXTENSIONS, block.lang);
}

/** A file name that says where the block is: README-L12.js, docs-streaming-L40.ts. */
function baseName(block) {
  return `${block.page.replace(/\.md$/, "").replace(/[/.]/g, "-")}-L${block.line}`;
}

function prelude(block) {
  const text = block.annotation?.prelude ?? "";
  return text === "" ? "" : `${text}\n`;
}

/**
 * Writes every script block and type-checks them together. Returns a Map from block to its
 * diagnostics (as "page:line: message" strings, with lines of the markdown page).
 */
function typecheckBlocks(blocks) {
  fs.rmSync(GENERATED, { recursive: true, force: true });
  fs.mkdirSync(GENERATED, { recursive: true });
  const byFile = new Map();
  for (const block of blocks) {
    const file = path.join(GENERATED, baseName(block) + EXTENSIONS[block.lang]);
    fs.writeFileSync(file, prelude(block) + block.code + "\n");
    byFile.set(file, block);
  }
  const program = ts.createProgram({ rootNames: [...byFile.keys(), ...STUBS], options: COMPILER_OPTIONS });
  const results = new Map(blocks.map((block) => [block, []]));
  const global = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    const block = diagnostic.file && byFile.get(path.normalize(diagnostic.file.fileName));
    if (!block) {
      global.push(diagnostic.file ? `${diagnostic.file.fileName}: ${message}` : message);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const preludeLines = prelude(block).split("\n").length - 1;
    const where = line < preludeLines ? `${block.page}:${block.annotation.line + 1 + line} (prelude)` : `${block.page}:${block.line + 1 + line - preludeLines}`;
    results.get(block).push(`${where}: TS${diagnostic.code} ${message}`);
  }
  return { results, global };
}

/**
 * The runnable form of a block: an ES module (.mjs) next to the type-checked files. TypeScript is
 * transpiled; JavaScript gets a `require` (createRequire) so CommonJS-style blocks run with
 * top-level await.
 */
function writeRunnable(block) {
  let source = prelude(block) + block.code + "\n";
  if (EXTENSIONS[block.lang] !== ".js") {
    source = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  }
  const header = 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);\n';
  const file = path.join(GENERATED, "run", `${baseName(block)}.mjs`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, header + source);
  return file;
}

module.exports = { isScript, typecheckBlocks, writeRunnable, GENERATED };
