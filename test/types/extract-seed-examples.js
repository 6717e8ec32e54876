#!/usr/bin/env node
// Regenerates test/types/fixtures/official/seeds/ from fal's model pages (the seed texts in
// ../shared/seeds/ or the directory given as the first argument): every JavaScript example on a
// page (a block starting at `import { fal } from "@fal-ai/client";`) becomes one fixture file,
// copied verbatim, so the type tests compile exactly what the pages tell users to write.
//
//   node test/types/extract-seed-examples.js [seedDir]
//
// The fixtures are committed, so the type tests do not need the seed texts to run.
"use strict";
const fs = require("fs");
const path = require("path");

const IMPORT_LINE = 'import { fal } from "@fal-ai/client";';
// Lines that continue a code block: blank, indented, or starting like the pages' statements.
const CODE_LINE = /^(\s|$|const |let |for |await |console\.|fal\.|import |\}|\]|\))/;

function extractBlocks(text) {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== IMPORT_LINE) continue;
    const block = [IMPORT_LINE];
    let j = i + 1;
    while (j < lines.length && CODE_LINE.test(lines[j]) && lines[j].trim() !== IMPORT_LINE) block.push(lines[j++]);
    while (block.length && block[block.length - 1].trim() === "") block.pop();
    blocks.push(block.join("\n"));
    i = j - 1;
  }
  return blocks;
}

// Some pages print string values with their inner quotes unescaped (`"The word "FLUX" is..."`),
// which is not valid JavaScript. Escape them so the example means what the page shows.
const STRING_PROPERTY = /^(\s*[\w$]+: )"(.*)"(,?)$/;
function repairUnescapedQuotes(block) {
  let repaired = 0;
  const lines = block.split("\n").map((line) => {
    const match = STRING_PROPERTY.exec(line);
    if (!match || !/(^|[^\\])"/.test(match[2])) return line;
    repaired++;
    return `${match[1]}"${match[2].replace(/(^|[^\\])"/g, '$1\\"')}"${match[3]}`;
  });
  return { text: lines.join("\n"), repaired };
}

function endpointOf(block) {
  const match = /fal\.(?:subscribe|stream|run|queue\.\w+)\("([^"]+)"/.exec(block);
  return match ? match[1] : null;
}

function kindOf(block) {
  if (/fal\.config\(/.test(block)) return "config";
  if (/fal\.storage\.upload\(/.test(block)) return "upload";
  const match = /fal\.(subscribe|stream|run|queue\.(\w+))\(/.exec(block);
  return match ? match[2] || match[1] : "other";
}

function main() {
  const seedDir = path.resolve(process.argv[2] || path.join(__dirname, "../../../shared/seeds"));
  const outDir = path.join(__dirname, "fixtures/official/seeds");
  if (!fs.existsSync(seedDir)) {
    console.error(`seed directory not found: ${seedDir}`);
    process.exit(2);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const old of fs.readdirSync(outDir)) if (old.endsWith(".ts")) fs.unlinkSync(path.join(outDir, old));

  let written = 0;
  for (const seed of fs.readdirSync(seedDir).filter((name) => name.endsWith(".txt")).sort()) {
    const text = fs.readFileSync(path.join(seedDir, seed), "utf8");
    const page = seed.slice(0, 3);
    let lastEndpoint = "page";
    extractBlocks(text).forEach((original, index) => {
      const { text: block, repaired } = repairUnescapedQuotes(original);
      // fal.config and upload blocks name no endpoint; file them under the page's previous one.
      const endpoint = endpointOf(block) || lastEndpoint;
      lastEndpoint = endpoint;
      const slug = endpoint.replace(/[^a-z0-9.]+/gi, "_");
      const name = `${page}-${String(index).padStart(2, "0")}-${slug}-${kindOf(block)}.ts`;
      const how = repaired ? `, with the page's unescaped inner quotes escaped on ${repaired} line(s)` : " verbatim";
      const header = `// Extracted${how} from ${seed} (example ${index}) by test/types/extract-seed-examples.js.\n`;
      fs.writeFileSync(path.join(outDir, name), header + block + "\n");
      written++;
    });
  }
  console.log(`wrote ${written} fixtures to ${path.relative(process.cwd(), outDir)}`);
}

main();
