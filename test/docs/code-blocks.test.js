// Every code block of README.md and docs/*.md is checked by a rule, and a block with no rule fails.
//
// The rule comes from an HTML comment that ends on the line just before the fence,
//   <!-- doc-test: RULE [ARGUMENT] [(why)] -->
// optionally followed, before `-->`, by lines of code the block leaves to the reader (a prelude that
// is prepended when it is type-checked or run). Rules, by the block's language:
//
//   js, ts, tsx   run        type-checked, then run in a child process against an emulator this
//                            test starts (FAL_*_URL and FAL_KEY point `fal` at it); must exit 0
//                 typecheck  type-checked only (needs Electron, Next.js, a server that keeps
//                            listening, a file of the reader's, ...); one of the two is required
//   sh, bash      commands   (the default) every command exists: npm scripts in package.json,
//                            fal-native subcommands and options in their --help, node/bash
//                            scripts and repository paths on disk; other commands must be
//                            ordinary tools (test/docs/shell.js)
//   json          json       (the default) parses
//                 json-subset-of FILE   parses, and every value in it is in FILE's JSON
//   jsonl         jsonl      (the default) every line parses
//   text          output     program output, labelled as such on the page: not checked
//                 diagram    a module diagram: its directories and native modules exist
//
// All script blocks are type-checked in one TypeScript program (test/docs/typescript.js). Relative
// links between the pages must name existing files and, for pages, existing headings.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawn } = require("child_process");
const { ROOT, documentationPages, codeBlocks, anchors, relativeLinks } = require("./markdown");
const { isScript, typecheckBlocks, writeRunnable } = require("./typescript");
const { checkShellBlock } = require("./shell");
const { startEmulator } = require("../../dist/lib/emulator");

const RUN_TIMEOUT_MS = 60_000;

const pages = documentationPages();
const blocks = pages.flatMap(codeBlocks);
const label = (block) => `${block.page}:${block.line} (${block.lang || "no language"}${block.annotation ? `, ${block.annotation.rule}` : ""})`;

const DEFAULT_RULES = { sh: "commands", bash: "commands", shell: "commands", json: "json", jsonl: "jsonl" };
const ALLOWED_RULES = {
  script: ["run", "typecheck"],
  sh: ["commands"],
  bash: ["commands"],
  shell: ["commands"],
  json: ["json", "json-subset-of"],
  jsonl: ["jsonl"],
  text: ["output", "diagram"],
};

function ruleOf(block) {
  const kind = isScript(block) ? "script" : block.lang;
  const rule = block.annotation?.rule ?? DEFAULT_RULES[block.lang];
  const allowed = ALLOWED_RULES[kind];
  if (!allowed) return { error: `no rule for blocks in "${block.lang || "no language"}": use js, ts, tsx, ${Object.keys(ALLOWED_RULES).filter((kind) => kind !== "script").join(", ")}` };
  if (!rule) return { error: `needs an annotation before its fence: <!-- doc-test: ${allowed.join(" | ")} -->` };
  if (!allowed.includes(rule)) return { error: `rule "${rule}" does not apply to ${kind} blocks (allowed: ${allowed.join(", ")})` };
  return { rule };
}

function isSubset(expected, actual) {
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.length === actual.length && expected.every((value, i) => isSubset(value, actual[i]));
  if (expected && typeof expected === "object") return actual && typeof actual === "object" && Object.keys(expected).every((key) => isSubset(expected[key], actual[key]));
  return expected === actual;
}

/**
 * The diagram's top-level directories (`lib/`), indented native modules (`  io_loop  ...`) and
 * every repository path it names (`lib/api/subscribe.ts`, `native/io_loop.cc`).
 */
function checkDiagram(block) {
  const problems = [];
  for (const [file] of block.code.matchAll(/\b(?:lib|native|types|test|docs)\/[\w./-]*\w\.(?:ts|cc|h|js|mjs|md)\b/g)) {
    if (!fs.existsSync(path.join(ROOT, file))) problems.push(`no file ${file}`);
  }
  for (const line of block.code.split("\n")) {
    const dir = /^([\w.-]+\/)\s/.exec(line);
    if (dir && !fs.existsSync(path.join(ROOT, dir[1]))) problems.push(`no directory ${dir[1]}`);
    const module = /^ {2}([a-z_]+) {2,}\S/.exec(line);
    if (module && !["cc", "h"].some((ext) => fs.existsSync(path.join(ROOT, "native", `${module[1]}.${ext}`)))) problems.push(`no native module native/${module[1]}.cc`);
  }
  return problems;
}

function runNode(file, env, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

let typecheck;
let emulator;
let runEnv;

beforeAll(async () => {
  typecheck = typecheckBlocks(blocks.filter((block) => isScript(block) && ruleOf(block).rule));
  emulator = await startEmulator({ quiet: true, timing: { queueMs: 20, stepMs: 10, steps: 3 } });
  runEnv = { ...process.env, ...emulator.env, FAL_KEY: "doc-test-key", NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" };
  delete runEnv.FAL_KEY_ID;
  delete runEnv.FAL_KEY_SECRET;
}, 120_000);

afterAll(async () => {
  await emulator?.close();
});

test("the pages have code blocks, and the README stays short", () => {
  expect(blocks.length).toBeGreaterThan(20);
  const readmeLines = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n").length;
  expect(readmeLines).toBeLessThanOrEqual(320);
});

test("the TypeScript program itself has no errors outside the blocks", () => {
  expect(typecheck.global).toEqual([]);
});

describe.each(pages)("%s", (page) => {
  const pageBlocks = blocks.filter((block) => block.page === page);
  if (pageBlocks.length === 0) {
    test("has no code blocks", () => {});
    return;
  }
  test.each(pageBlocks.map((block) => [label(block), block]))("%s", async (_name, block) => {
    const { rule, error } = ruleOf(block);
    if (error) throw new Error(`${label(block)}: ${error}`);
    switch (rule) {
      case "run":
      case "typecheck": {
        expect(typecheck.results.get(block)).toEqual([]);
        if (rule === "typecheck") return;
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-doc-"));
        try {
          const { code, signal, output } = await runNode(writeRunnable(block), runEnv, cwd);
          expect({ block: label(block), code, signal, output: code === 0 ? "" : output }).toEqual({ block: label(block), code: 0, signal: null, output: "" });
        } finally {
          fs.rmSync(cwd, { recursive: true, force: true });
        }
        return;
      }
      case "commands":
        expect(checkShellBlock(block)).toEqual([]);
        return;
      case "json":
        expect(() => JSON.parse(block.code)).not.toThrow();
        return;
      case "json-subset-of": {
        const file = block.annotation.args[0];
        const actual = JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
        expect({ subsetOf: file, ok: isSubset(JSON.parse(block.code), actual) }).toEqual({ subsetOf: file, ok: true });
        return;
      }
      case "jsonl":
        for (const line of block.code.split("\n").filter((text) => text.trim() !== "")) expect(() => JSON.parse(line)).not.toThrow();
        return;
      case "diagram":
        expect(checkDiagram(block)).toEqual([]);
        return;
      case "output":
        expect(block.lang).toBe("text"); // output is shown as text, never as code
        return;
      default:
        throw new Error(`${label(block)}: unhandled rule ${rule}`);
    }
  }, RUN_TIMEOUT_MS + 10_000);
});

test("relative links between the pages resolve to files and headings", () => {
  const problems = [];
  for (const page of pages) {
    for (const { line, target } of relativeLinks(page)) {
      const [file, anchor] = target.split("#");
      const resolved = file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      const where = `${page}:${line}: ${target}`;
      if (!fs.existsSync(path.join(ROOT, resolved))) {
        problems.push(`${where}: no file ${resolved}`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) problems.push(`${where}: no heading #${anchor} in ${resolved}`);
    }
  }
  expect(problems).toEqual([]);
});
