// Reads the documentation pages: their fenced code blocks (with the `<!-- doc-test: ... -->`
// annotation written just before each fence), their headings as GitHub anchors, and their links.
"use strict";

const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");

/** README.md and every docs/*.md, as paths relative to the repository root. */
function documentationPages() {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*$/;

/**
 * The annotation that ends on the line just before a fence:
 *   <!-- doc-test: RULE [ARGUMENT] [(why)] -->
 * or, with code the block needs but leaves to the reader (a "prelude", prepended when the block is
 * type-checked or run), on the following lines up to the closing `-->`.
 */
function annotationBefore(lines, fenceIndex) {
  const end = fenceIndex - 1;
  if (end < 0 || !lines[end].trim().endsWith("-->")) return undefined;
  let start = end;
  while (start >= 0 && !lines[start].includes("<!-- doc-test:")) {
    if (lines[start].includes("<!--") || end - start > 40) return undefined;
    start--;
  }
  if (start < 0) return undefined;
  const first = lines[start].trim();
  const header = /^<!-- doc-test:\s*(.*?)\s*(-->)?$/.exec(first);
  if (!header) return undefined;
  const words = header[1].replace(/\(.*\)\s*$/, "").trim().split(/\s+/).filter(Boolean);
  const prelude = start === end ? "" : lines.slice(start + 1, end).join("\n") + (lines[end].trim() === "-->" ? "" : `\n${lines[end].replace(/-->\s*$/, "")}`);
  return { rule: words[0], args: words.slice(1), prelude, line: start + 1 };
}

/** Every fenced block of a page: { page, line (1-based, of the opening fence), lang, code, annotation }. */
function codeBlocks(page) {
  const lines = fs.readFileSync(path.join(ROOT, page), "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let close = i + 1;
    while (close < lines.length && !(lines[close].trim().startsWith(fence) && lines[close].trim().replace(/[`~]/g, "") === "")) close++;
    if (close >= lines.length) throw new Error(`${page}:${i + 1}: code fence never closed`);
    const code = lines
      .slice(i + 1, close)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
      .join("\n");
    blocks.push({ page, line: i + 1, lang: lang.toLowerCase(), code, annotation: annotationBefore(lines, i) });
    i = close;
  }
  return blocks;
}

/** The page's lines outside code fences (links and headings are looked for there only). */
function proseLines(page) {
  const lines = fs.readFileSync(path.join(ROOT, page), "utf8").split("\n");
  const out = [];
  let fence;
  lines.forEach((line, i) => {
    const open = FENCE.exec(line);
    if (fence) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") fence = undefined;
    } else if (open) {
      fence = open[2];
    } else {
      out.push({ text: line, line: i + 1 });
    }
  });
  return out;
}

/** GitHub's anchor for a heading: rendered text, lower-cased, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

/** The anchors a page's headings get (repeated headings get -1, -2, ... as on GitHub). */
function anchors(page) {
  const seen = new Map();
  const result = new Set();
  for (const { text } of proseLines(page)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Links with a relative target: { page, line, target }. Inline code spans are not links. */
function relativeLinks(page) {
  const links = [];
  for (const { text, line } of proseLines(page)) {
    const withoutCode = text.replace(/`[^`]*`/g, "");
    for (const match of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...
      links.push({ page, line, target });
    }
  }
  return links;
}

module.exports = { ROOT, documentationPages, codeBlocks, anchors, relativeLinks, slug };
