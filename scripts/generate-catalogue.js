#!/usr/bin/env node
// Builds the emulator's endpoint catalogue: every endpoint of the official client's type map
// (@fal-ai/client/src/types/endpoints.d.ts, `EndpointTypeMap`) as JSON Schema, which the
// emulator uses to validate inputs and synthesize outputs for endpoints it has no hand-written
// model for (lib/emulator/catalogue/).
//
//   node scripts/generate-catalogue.js [--out FILE] [--no-cache] [--check]
//
// The conversion is done by ts-json-schema-generator (a devDependency), which reads the .d.ts
// with the TypeScript compiler. The result is then compacted: descriptions are dropped after
// their "Default value: `...`" has been turned into a JSON Schema `default`, and the client's
// `string | Blob | File` upload unions become `{"type":"string","x-fal-file":true}` (on the wire
// a file input is always a URL or data URI).
//
// The output is not committed. `npm run build:ts` runs this script and writes
// dist/lib/emulator/catalogue/catalogue.json. The result is cached under
// node_modules/.cache/fal-native/ keyed by the versions of @fal-ai/client, the generator and
// TypeScript plus a hash of this script, so rebuilds cost nothing until one of them changes.
// Output is deterministic (keys sorted), so `--check` can regenerate without the cache and
// compare byte for byte with the file in place.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const TYPES_FILE = path.join(ROOT, "node_modules/@fal-ai/client/src/types/endpoints.d.ts");
const DEFAULT_OUT = path.join(ROOT, "dist/lib/emulator/catalogue/catalogue.json");
const CACHE_DIR = path.join(ROOT, "node_modules/.cache/fal-native");

function packageVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")).version;
}

function cacheKey() {
  const script = crypto.createHash("sha256").update(fs.readFileSync(__filename)).digest("hex").slice(0, 12);
  const types = crypto.createHash("sha256").update(fs.readFileSync(TYPES_FILE)).digest("hex").slice(0, 12);
  return {
    client: packageVersion("@fal-ai/client"),
    generator: packageVersion("ts-json-schema-generator"),
    typescript: packageVersion("typescript"),
    script,
    types,
  };
}

const DEFAULT_RE = /Default value: `((?:[^`]|``)*)`/;

/** The JSDoc's "Default value: `x`" as a JSON value, or undefined when there is none (or it is not JSON). */
function defaultFrom(description) {
  if (typeof description !== "string") return undefined;
  const match = DEFAULT_RE.exec(description);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]);
  } catch {
    // Enum members of `Enum | ImageSize` unions are printed bare: `landscape_4_3`, `16:9`.
    return /^[\w:.\-]+$/.test(match[1]) ? match[1] : undefined;
  }
}

function isBlobShape(node) {
  return (
    node && node.type === "object" && node.properties && Object.keys(node.properties).sort().join(",") === "size,type"
  );
}

/** `string | Blob | File` (the client uploads Blobs before sending): a file URL on the wire. */
function isUploadUnion(node) {
  if (!Array.isArray(node.anyOf)) return false;
  const hasString = node.anyOf.some((n) => n.type === "string" && !n.enum && n.const === undefined);
  const hasBlob = node.anyOf.some((n) => isBlobShape(n) || n.$ref === "#/definitions/File" || n.$ref === "#/definitions/Blob");
  return hasString && hasBlob && node.anyOf.every((n) => n.type === "string" || isBlobShape(n) || (n.$ref && /\/(File|Blob)$/.test(n.$ref)));
}

const KEEP = ["type", "enum", "const", "$ref", "required", "minItems", "maxItems", "minimum", "maximum", "additionalProperties"];

function compact(node) {
  if (Array.isArray(node)) return node.map(compact);
  if (!node || typeof node !== "object") return node;
  if (isUploadUnion(node)) {
    const out = { type: "string", "x-fal-file": true };
    const fallback = defaultFrom(node.description);
    if (fallback !== undefined) out.default = fallback;
    return out;
  }
  const out = {};
  for (const key of KEEP) if (node[key] !== undefined) out[key] = node[key];
  if (out.additionalProperties !== undefined && typeof out.additionalProperties === "object") {
    out.additionalProperties = compact(out.additionalProperties);
  }
  if (node.properties) {
    out.properties = {};
    for (const [name, child] of Object.entries(node.properties)) out.properties[name] = compact(child);
  }
  if (node.items) out.items = compact(node.items);
  if (node.anyOf) out.anyOf = node.anyOf.map(compact);
  const fallback = node.default !== undefined ? node.default : defaultFrom(node.description);
  if (fallback !== undefined) out.default = fallback;
  return out;
}

/** JSON with object keys sorted, so the bytes only depend on the content. */
function stableStringify(value) {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function generate(key) {
  const { createGenerator } = require("ts-json-schema-generator");
  const generator = createGenerator({
    path: TYPES_FILE,
    type: "EndpointTypeMap",
    skipTypeCheck: true,
    expose: "export",
    jsDoc: "extended",
    topRef: false,
    additionalProperties: true,
  });
  const schema = generator.createSchema("EndpointTypeMap");
  const endpoints = {};
  for (const [id, entry] of Object.entries(schema.properties)) {
    endpoints[id] = { input: compact(entry.properties.input), output: compact(entry.properties.output) };
  }
  const definitions = {};
  for (const [name, def] of Object.entries(schema.definitions)) definitions[name] = compact(def);
  return stableStringify({ source: key, endpoints, definitions }) + "\n";
}

function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? path.resolve(args[outIndex + 1]) : DEFAULT_OUT;
  const useCache = !args.includes("--no-cache") && !args.includes("--check");
  const key = cacheKey();
  const cacheFile = path.join(CACHE_DIR, `catalogue-${key.client}-${key.generator}-${key.typescript}-${key.script}-${key.types}.json`);

  const started = Date.now();
  let text;
  let cached = false;
  if (useCache && fs.existsSync(cacheFile)) {
    text = fs.readFileSync(cacheFile, "utf8");
    cached = true;
  } else {
    text = generate(key);
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      fs.writeFileSync(cacheFile, text);
    } catch {
      // A read-only node_modules only loses the cache.
    }
  }

  if (args.includes("--check")) {
    const current = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    if (current !== text) {
      process.stderr.write(`generate-catalogue: ${path.relative(ROOT, out)} is out of date; run npm run generate:catalogue\n`);
      process.exit(1);
    }
    process.stdout.write(`generate-catalogue: ${path.relative(ROOT, out)} is current (${Date.now() - started} ms)\n`);
    return;
  }

  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  const count = Object.keys(JSON.parse(text).endpoints).length;
  process.stdout.write(
    `generate-catalogue: ${count} endpoints, ${(text.length / 1024).toFixed(0)} KiB -> ${path.relative(ROOT, out)}` +
      ` (${cached ? "cached" : "generated"} in ${Date.now() - started} ms)\n`,
  );
}

main();
