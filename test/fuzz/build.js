#!/usr/bin/env node
// Builds the libFuzzer targets into build/fuzz/ from the real native sources (no copies):
//   sse_parser_fuzzer   native/sse_parser.cc
//   json_fuzzer         native/json.cc + simdjson (node_modules/@nozbe/simdjson)
//   url_fuzzer          native/request_path.cc (request ids as URL path segments)
// with clang++ -fsanitize=fuzzer,address,undefined. simdjson's object is cached (it takes a while);
// the rest is rebuilt every time (a few seconds). CXX overrides the compiler (default clang++).
"use strict";

const { execFileSync, spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const NATIVE = path.join(ROOT, "native");
const OUT = path.join(ROOT, "build", "fuzz");
const CXX = process.env.CXX_FUZZ || "clang++";

const COMMON = ["-std=c++17", "-g", "-O1", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"];
const INSTRUMENT = ["-fsanitize=fuzzer-no-link,address,undefined"];
const LINK = ["-fsanitize=fuzzer,address,undefined"];

function simdjsonDir() {
  const dir = path.dirname(require.resolve("@nozbe/simdjson/package.json", { paths: [ROOT] }));
  return path.join(dir, "src");
}

function run(args) {
  const result = spawnSync(CXX, args, { stdio: ["ignore", "inherit", "inherit"], encoding: "utf8" });
  if (result.error) throw new Error(`fuzz: cannot run ${CXX} (${result.error.code}); install clang and libclang-rt-14-dev`);
  if (result.status !== 0) throw new Error(`fuzz: ${CXX} failed (exit ${result.status})`);
}

function simdjsonObject() {
  const source = path.join(simdjsonDir(), "simdjson.cpp");
  const flags = [...COMMON, ...INSTRUMENT];
  const key = crypto.createHash("sha256").update(JSON.stringify([CXX, flags, fs.statSync(source).size, fs.statSync(source).mtimeMs])).digest("hex").slice(0, 12);
  const object = path.join(OUT, "obj", `simdjson-${key}.o`);
  if (!fs.existsSync(object)) {
    fs.mkdirSync(path.dirname(object), { recursive: true });
    console.error("fuzz: compiling simdjson (once)");
    run([...flags, "-w", "-c", source, "-I", simdjsonDir(), "-o", object + ".tmp"]);
    fs.renameSync(object + ".tmp", object);
  }
  return object;
}

function targets() {
  const here = (f) => path.join(__dirname, f);
  const native = (f) => path.join(NATIVE, f);
  return {
    sse_parser: { sources: [here("sse_parser_fuzzer.cc"), native("sse_parser.cc")] },
    json: {
      sources: [here("json_fuzzer.cc"), native("json.cc")],
      objects: () => [simdjsonObject()],
      includes: ["-isystem", simdjsonDir()],
      // ValidateJson(body, QueueFields*) replaced ReadStringField (queue bodies parsed once).
      defines: /struct\s+QueueFields/.test(fs.readFileSync(native("json.h"), "utf8")) ? ["-DFAL_FUZZ_JSON_QUEUE_FIELDS"] : [],
    },
    url: { sources: [here("url_fuzzer.cc"), here("url_api.cc"), native("request_path.cc")] },
  };
}

/** Builds the named targets (default all); returns { name: executable }. */
function build(names) {
  fs.mkdirSync(OUT, { recursive: true });
  const all = targets();
  const out = {};
  for (const name of names || Object.keys(all)) {
    const target = all[name];
    if (!target) throw new Error(`fuzz: unknown target ${name} (known: ${Object.keys(all).join(", ")})`);
    const exe = path.join(OUT, `${name}_fuzzer`);
    const objects = target.objects ? target.objects() : [];
    const args = [...COMMON, ...INSTRUMENT, ...LINK, "-I", NATIVE, "-I", __dirname, ...(target.includes || []), ...(target.defines || []),
      ...target.sources, ...objects, ...(target.link || []), "-o", exe];
    run(args);
    out[name] = exe;
  }
  return out;
}

function compilerVersion() {
  try {
    return execFileSync(CXX, ["--version"], { encoding: "utf8" }).split("\n")[0];
  } catch {
    return undefined;
  }
}

module.exports = { build, targets, compilerVersion, OUT };

if (require.main === module) {
  const built = build(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
  for (const [name, exe] of Object.entries(built)) console.log(`${name}: ${path.relative(ROOT, exe)}`);
}
