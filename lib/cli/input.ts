// Builds the model input from the command line, in the order the sources were given (later ones
// override earlier ones, merging nested objects):
//
//   --input '{"prompt":"x"}'    a JSON object
//   --input @file.json          a JSON file            (--input-file file.json is the same)
//   --input -                   JSON from stdin        (--input-file - too)
//   -i key=value                one field; the value is JSON when it parses (numbers, booleans,
//                               null, arrays, objects, "quoted strings"), else a plain string
//   -i image_size.width=512     dotted keys build nested objects
//   -i image_url=@./cat.png     a local file, uploaded with fal.storage.upload; its URL is used
//   -i note=@@literal           a leading "@@" stands for a literal "@"
import * as fs from "fs";
import type { ParsedArgs } from "./args";
import { UsageError } from "./exit-codes";

export type JsonObject = Record<string, unknown>;

/** A `-i key=@path` value, replaced by the uploaded file's URL once the input is complete. */
export class LocalFile {
  constructor(readonly path: string, readonly source: string) {}
}

export interface InputSources {
  /** Reads all of stdin (only called for `--input -`). */
  readStdin: () => Promise<string>;
}

/** The input object (LocalFile values still in place) from the ordered options. */
export async function buildInput(args: ParsedArgs, sources: InputSources): Promise<JsonObject> {
  let input: JsonObject = {};
  let stdinUsed = false;
  const fromStdin = async (flag: string) => {
    if (stdinUsed) throw new UsageError(`${flag} -: stdin can be read only once`);
    stdinUsed = true;
    return parseObject(await sources.readStdin(), `${flag} - (stdin)`);
  };

  for (const { name, value } of args.ordered) {
    if (value === undefined) continue;
    let layer: JsonObject;
    if (name === "input") {
      if (value === "-") layer = await fromStdin("--input");
      else if (value.startsWith("@")) layer = parseObject(readText(value.slice(1), `--input ${value}`), `--input ${value}`);
      else layer = parseObject(value, "--input");
    } else if (name === "input-file") {
      layer = value === "-" ? await fromStdin("--input-file") : parseObject(readText(value, `--input-file ${value}`), `--input-file ${value}`);
    } else if (name === "input-field") {
      layer = parseField(value);
    } else {
      continue;
    }
    input = merge(input, layer);
  }
  return input;
}

/** `key.sub=value` -> { key: { sub: value } }. */
export function parseField(text: string): JsonObject {
  const what = `-i ${text}`;
  const eq = text.indexOf("=");
  if (eq < 0) throw new UsageError(`${what}: expected key=value`);
  const keys = text.slice(0, eq).split(".");
  if (keys.some((k) => k.trim() === "")) throw new UsageError(`${what}: empty key in "${text.slice(0, eq)}"`);
  for (const key of keys) checkKey(key, what);
  let value = fieldValue(text.slice(eq + 1), what);
  for (let i = keys.length - 1; i >= 0; i--) {
    const wrapper: JsonObject = {};
    setOwn(wrapper, keys[i], value);
    value = wrapper;
  }
  return value as JsonObject;
}

function fieldValue(raw: string, what: string): unknown {
  if (raw.startsWith("@@")) return raw.slice(1);
  if (raw.startsWith("@")) {
    const file = raw.slice(1);
    if (file === "") throw new UsageError(`${what}: "@" needs a file path after it`);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new UsageError(`${what}: no such file "${file}"`);
    }
    if (!stat.isFile()) throw new UsageError(`${what}: "${file}" is not a regular file`);
    return new LocalFile(file, what);
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw; // not JSON: a plain string, so `-i prompt=a red fox` needs no quoting
  }
}

function parseObject(text: string, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what}: invalid JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new UsageError(`${what}: expected a JSON object, got ${kind}`);
  }
  return value;
}

function readText(file: string, what: string): string {
  if (file === "") throw new UsageError(`${what}: missing file path`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}: cannot read "${file}" (${code === "ENOENT" ? "no such file" : code ?? (error as Error).message})`);
  }
}

/** Later wins; objects on both sides are merged key by key, anything else is replaced. */
export function merge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    setOwn(out, k, isPlainObject(prev) && isPlainObject(v) ? merge(prev, v) : v);
  }
  return out;
}

/** Replaces every LocalFile with `upload(path)`'s URL; each distinct path is uploaded once. */
export async function uploadLocalFiles(input: JsonObject, upload: (path: string) => Promise<string>): Promise<JsonObject> {
  const urls = new Map<string, Promise<string>>();
  const walk = async (value: unknown): Promise<unknown> => {
    if (value instanceof LocalFile) {
      if (!urls.has(value.path)) urls.set(value.path, upload(value.path));
      return urls.get(value.path);
    }
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (isPlainObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) setOwn(out, k, await walk(v));
      return out;
    }
    return value;
  };
  return (await walk(input)) as JsonObject;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof LocalFile);
}

/** Assign without ever invoking the `__proto__` setter (JSON may carry such a key). */
function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function checkKey(key: string, what: string): void {
  if (key === "__proto__") throw new UsageError(`${what}: "__proto__" is not allowed as a key`);
}
