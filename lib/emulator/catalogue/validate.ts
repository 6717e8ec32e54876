// Validation of catalogue endpoint inputs against their generated JSON Schema, in pydantic v2's
// error vocabulary (the same 422 items lib/emulator/validate.ts produces for the hand-written
// models): missing, string_type, float_type/float_parsing, bool_type, list_type, model_type,
// enum, literal_error, too_short/too_long. Defaults documented in the type map's JSDoc are
// filled in. Lax coercion as in validate.ts (numeric strings, "true"/"1"...).
//
// The type map is TypeScript, so integers and floats are both `number`: the emulator cannot tell
// an integer field from a float one and accepts 1.5 where the real app may want an integer.

import { describeChoices, validateBoolean, type Loc, type ValidationIssue } from "../validate";
import { deref, refName, type JsonSchema } from "./types";

type Defs = Record<string, JsonSchema>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validate `raw` at `loc`; returns the (coerced, defaults-filled) value, or undefined after pushing issues. */
export function validateAgainst(schema: JsonSchema, raw: unknown, loc: Loc, issues: ValidationIssue[], defs: Defs): unknown {
  const name = refName(schema);
  const s = deref(schema, defs);
  if (s["x-fal-file"]) return expectString(raw, loc, issues);
  if (s.anyOf) return validateUnion(s.anyOf, raw, loc, issues, defs);
  if (s.const !== undefined) {
    if (raw === s.const || (typeof raw === "number" && String(raw) === s.const)) return s.const;
    const expected = describeChoices([String(s.const)]);
    issues.push({ loc, msg: `Input should be ${expected}`, type: "literal_error", input: raw, ctx: { expected } });
    return undefined;
  }
  if (s.enum) {
    const text = typeof raw === "number" && s.enum.every((v) => typeof v === "string") ? String(raw) : raw;
    if (s.enum.includes(text)) return text;
    const expected = describeChoices(s.enum.map(String));
    issues.push({ loc, msg: `Input should be ${expected}`, type: "enum", input: raw, ctx: { expected } });
    return undefined;
  }
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) {
    return validateUnion(types.map((type) => ({ ...s, type: type as JsonSchema["type"] })), raw, loc, issues, defs);
  }
  switch (types[0]) {
    case undefined:
      // `{}` (unknown / any) or an object described only by properties.
      return s.properties ? validateObject(s, raw, loc, issues, defs, name) : raw;
    case "null":
      if (raw === null) return null;
      issues.push({ loc, msg: "Input should be None", type: "none_required", input: raw });
      return undefined;
    case "string":
      return expectString(raw, loc, issues);
    case "number":
    case "integer":
      return expectNumber(s, raw, loc, issues);
    case "boolean":
      return validateBoolean(raw, loc, issues);
    case "array":
      return validateArray(s, raw, loc, issues, defs);
    case "object":
      return validateObject(s, raw, loc, issues, defs, name);
    default:
      return raw;
  }
}

function expectString(raw: unknown, loc: Loc, issues: ValidationIssue[]): string | undefined {
  if (typeof raw === "string") return raw;
  issues.push({ loc, msg: "Input should be a valid string", type: "string_type", input: raw });
  return undefined;
}

function expectNumber(s: JsonSchema, raw: unknown, loc: Loc, issues: ValidationIssue[]): number | undefined {
  let value: number;
  if (typeof raw === "number" && Number.isFinite(raw)) value = raw;
  else if (typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw.trim()))) value = Number(raw.trim());
  else if (typeof raw === "string") {
    issues.push({ loc, msg: "Input should be a valid number, unable to parse string as a number", type: "float_parsing", input: raw });
    return undefined;
  } else {
    issues.push({ loc, msg: "Input should be a valid number", type: "float_type", input: raw });
    return undefined;
  }
  if (s.minimum !== undefined && value < s.minimum) {
    issues.push({ loc, msg: `Input should be greater than or equal to ${s.minimum}`, type: "greater_than_equal", input: raw, ctx: { ge: s.minimum } });
    return undefined;
  }
  if (s.maximum !== undefined && value > s.maximum) {
    issues.push({ loc, msg: `Input should be less than or equal to ${s.maximum}`, type: "less_than_equal", input: raw, ctx: { le: s.maximum } });
    return undefined;
  }
  return value;
}


function validateArray(s: JsonSchema, raw: unknown, loc: Loc, issues: ValidationIssue[], defs: Defs): unknown[] | undefined {
  if (!Array.isArray(raw)) {
    issues.push({ loc, msg: "Input should be a valid list", type: "list_type", input: raw });
    return undefined;
  }
  if (s.minItems !== undefined && raw.length < s.minItems) {
    const ctx = { field_type: "List", min_length: s.minItems, actual_length: raw.length };
    issues.push({ loc, msg: `List should have at least ${s.minItems} item${s.minItems === 1 ? "" : "s"} after validation, not ${raw.length}`, type: "too_short", input: raw, ctx });
    return undefined;
  }
  if (s.maxItems !== undefined && raw.length > s.maxItems) {
    const ctx = { field_type: "List", max_length: s.maxItems, actual_length: raw.length };
    issues.push({ loc, msg: `List should have at most ${s.maxItems} item${s.maxItems === 1 ? "" : "s"} after validation, not ${raw.length}`, type: "too_long", input: raw, ctx });
    return undefined;
  }
  if (!s.items) return raw;
  const before = issues.length;
  const items = raw.map((item, index) => validateAgainst(s.items as JsonSchema, item, [...loc, index], issues, defs));
  return issues.length === before ? items : undefined;
}

function validateObject(s: JsonSchema, raw: unknown, loc: Loc, issues: ValidationIssue[], defs: Defs, className?: string): Record<string, unknown> | undefined {
  if (!isPlainObject(raw)) {
    const cls = className ?? "dict";
    issues.push(
      className
        ? { loc, msg: `Input should be a valid dictionary or instance of ${cls}`, type: "model_type", input: raw, ctx: { class_name: cls } }
        : { loc, msg: "Input should be a valid dictionary", type: "dict_type", input: raw },
    );
    return undefined;
  }
  const before = issues.length;
  const out = validateFields(s, raw, loc, issues, defs);
  return issues.length === before ? out : undefined;
}

/** Properties of an object schema: missing required fields, defaults, then each present value. */
export function validateFields(s: JsonSchema, raw: Record<string, unknown>, loc: Loc, issues: ValidationIssue[], defs: Defs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(s.required ?? []);
  for (const [field, child] of Object.entries(s.properties ?? {})) {
    const present = Object.prototype.hasOwnProperty.call(raw, field);
    const fallback = child.default ?? deref(child, defs).default;
    if (!present) {
      if (required.has(field)) issues.push({ loc: [...loc, field], msg: "Field required", type: "missing", input: raw });
      else if (fallback !== undefined) out[field] = structuredClone(fallback);
      continue;
    }
    const value = raw[field];
    // Optional fields are `Optional[...] = None` in the apps: null is accepted.
    if (value === null && !required.has(field)) {
      out[field] = fallback !== undefined ? structuredClone(fallback) : null;
      continue;
    }
    const checked = validateAgainst(child, value, [...loc, field], issues, defs);
    if (checked !== undefined) out[field] = checked;
  }
  // Free-form maps (`{[key: string]: T}`) keep their entries; extra fields of models are dropped.
  if (!s.properties && s.additionalProperties !== false) {
    for (const [key, value] of Object.entries(raw)) {
      out[key] = typeof s.additionalProperties === "object" ? validateAgainst(s.additionalProperties, value, [...loc, key], issues, defs) : value;
    }
  }
  return out;
}

/** Literal members of a union, e.g. the presets of `ImageSize | "square_hd" | ...`. */
function literalsOf(members: JsonSchema[], defs: Defs): string[] {
  const out: string[] = [];
  for (const member of members) {
    const s = deref(member, defs);
    if (s.const !== undefined) out.push(String(s.const));
    else if (s.enum) out.push(...s.enum.map(String));
  }
  return out;
}

function jsonKind(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return "array";
  return typeof raw === "number" ? "number" : typeof raw;
}

function validateUnion(members: JsonSchema[], raw: unknown, loc: Loc, issues: ValidationIssue[], defs: Defs): unknown {
  const attempts: ValidationIssue[][] = [];
  for (const member of members) {
    const scratch: ValidationIssue[] = [];
    const value = validateAgainst(member, raw, loc, scratch, defs);
    if (scratch.length === 0) return value;
    attempts.push(scratch);
  }
  // A string that is none of the literal choices: report the choices, as pydantic does for enums.
  const literals = literalsOf(members, defs);
  if (typeof raw === "string" && literals.length > 0) {
    const expected = describeChoices(literals);
    issues.push({ loc, msg: `Input should be ${expected}`, type: "enum", input: raw, ctx: { expected } });
    return undefined;
  }
  // Otherwise the errors of the member of the same JSON kind (e.g. an ImageSize object with a bad width).
  const kind = jsonKind(raw);
  const index = members.findIndex((member) => {
    const s = deref(member, defs);
    const t = s.type ?? (s.properties ? "object" : undefined);
    return t === kind || (Array.isArray(t) && t.includes(kind)) || (kind === "number" && t === "integer");
  });
  issues.push(...(attempts[index >= 0 ? index : 0] ?? []));
  return undefined;
}
