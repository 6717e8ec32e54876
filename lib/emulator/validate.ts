// Input validation with pydantic v2's error vocabulary, so a 422 from the emulator looks like one
// from a fal app: {"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing",...}]}.
// Coercions follow pydantic's "lax" JSON mode: numeric strings become numbers, "true"/"1" become
// booleans, and so on. On success the input comes back with defaults filled in.

import { validateAgainst } from "./catalogue/validate";
import { IMAGE_SIZE_PRESETS, type FieldSpec, type InputSchema, type NumberField } from "./schema";

export type Loc = (string | number)[];

export interface ValidationIssue {
  loc: Loc;
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export type ValidationResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; issues: ValidationIssue[] };

/** Validate a request body (already JSON-parsed; undefined when there was no body). */
export function validateInput(schema: InputSchema, body: unknown): ValidationResult {
  if (body === undefined) {
    return { ok: false, issues: [{ loc: ["body"], msg: "Field required", type: "missing", input: null }] };
  }
  const issues: ValidationIssue[] = [];
  const value = validateObject(schema, body, ["body"], "dictionary or object to extract fields from", issues);
  return issues.length === 0 ? { ok: true, value: value as Record<string, unknown> } : { ok: false, issues };
}

/** pydantic's rendering of an enum's choices: "'a', 'b' or 'c'". */
export function describeChoices(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function validateObject(
  schema: InputSchema,
  input: unknown,
  loc: Loc,
  whatExpected: string,
  issues: ValidationIssue[],
): Record<string, unknown> | undefined {
  if (!isPlainObject(input)) {
    issues.push({ loc, msg: `Input should be a valid ${whatExpected}`, type: "model_attributes_type", input });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const fallback = "default" in spec ? spec.default : undefined;
    const present = Object.prototype.hasOwnProperty.call(input, name);
    if (!present) {
      if (spec.required) issues.push({ loc: [...loc, name], msg: "Field required", type: "missing", input });
      else if (fallback !== undefined) out[name] = fallback;
      continue;
    }
    const raw = input[name];
    // Optional fields without a default are `Optional[...] = None` in the apps, so null is fine.
    if (raw === null && !spec.required && fallback === undefined) {
      out[name] = null;
      continue;
    }
    const checked = validateField(spec, raw, [...loc, name], issues);
    if (checked !== undefined) out[name] = checked;
  }
  return out;
}

function validateField(spec: FieldSpec, raw: unknown, loc: Loc, issues: ValidationIssue[]): unknown {
  switch (spec.type) {
    case "json":
      return validateAgainst(spec.schema, raw, loc, issues, spec.definitions);
    case "string":
      if (typeof raw !== "string") {
        issues.push({ loc, msg: "Input should be a valid string", type: "string_type", input: raw });
        return undefined;
      }
      if (spec.maxLength !== undefined && raw.length > spec.maxLength) {
        issues.push({
          loc,
          msg: `String should have at most ${spec.maxLength} characters`,
          type: "string_too_long",
          input: raw,
          ctx: { max_length: spec.maxLength },
        });
        return undefined;
      }
      return raw;
    case "integer":
    case "float":
      return validateNumber(spec, raw, loc, issues);
    case "boolean":
      return validateBoolean(raw, loc, issues);
    case "enum": {
      // Lax mode: 2 is accepted for a string enum whose member is "2" (safety_tolerance).
      const text = typeof raw === "number" ? String(raw) : raw;
      if (typeof text === "string" && (spec.values.includes(text) || spec.pattern?.test(text))) return text;
      const expected = describeChoices(spec.values);
      issues.push({ loc, msg: `Input should be ${expected}`, type: "enum", input: raw, ctx: { expected } });
      return undefined;
    }
    case "image_size":
      return validateImageSize(raw, loc, issues);
    case "list": {
      if (!Array.isArray(raw)) {
        issues.push({ loc, msg: "Input should be a valid list", type: "list_type", input: raw });
        return undefined;
      }
      const before = issues.length;
      const items = raw.map((item, index) => validateField(spec.items, item, [...loc, index], issues));
      return issues.length === before ? items : undefined;
    }
    case "object": {
      if (!isPlainObject(raw)) {
        issues.push({
          loc,
          msg: `Input should be a valid dictionary or instance of ${spec.className}`,
          type: "model_type",
          input: raw,
          ctx: { class_name: spec.className },
        });
        return undefined;
      }
      if (!spec.fields) return raw;
      const before = issues.length;
      const value = validateObject(spec.fields, raw, loc, `dictionary or instance of ${spec.className}`, issues);
      return issues.length === before ? value : undefined;
    }
  }
}

function validateNumber(spec: NumberField, raw: unknown, loc: Loc, issues: ValidationIssue[]): number | undefined {
  const isInt = spec.type === "integer";
  const kind = isInt ? "integer" : "number";
  let value: number;
  if (typeof raw === "number" && Number.isFinite(raw)) {
    value = raw;
  } else if (typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw.trim()))) {
    value = Number(raw.trim());
    if (isInt && !/^[+-]?\d+$/.test(raw.trim())) {
      issues.push({ loc, msg: "Input should be a valid integer, unable to parse string as an integer", type: "int_parsing", input: raw });
      return undefined;
    }
  } else if (typeof raw === "string") {
    const type = isInt ? "int_parsing" : "float_parsing";
    const msg = `Input should be a valid ${kind}, unable to parse string as ${isInt ? "an integer" : "a number"}`;
    issues.push({ loc, msg, type, input: raw });
    return undefined;
  } else {
    issues.push({ loc, msg: `Input should be a valid ${kind}`, type: isInt ? "int_type" : "float_type", input: raw });
    return undefined;
  }
  if (isInt && !Number.isInteger(value)) {
    issues.push({ loc, msg: "Input should be a valid integer, got a number with a fractional part", type: "int_from_float", input: raw });
    return undefined;
  }
  const bound = checkBounds(spec, value);
  if (bound) {
    issues.push({ loc, ...bound, input: raw });
    return undefined;
  }
  return value;
}

function checkBounds(spec: NumberField, value: number): Omit<ValidationIssue, "loc" | "input"> | undefined {
  if (spec.gt !== undefined && !(value > spec.gt)) {
    return { msg: `Input should be greater than ${spec.gt}`, type: "greater_than", ctx: { gt: spec.gt } };
  }
  if (spec.ge !== undefined && value < spec.ge) {
    return { msg: `Input should be greater than or equal to ${spec.ge}`, type: "greater_than_equal", ctx: { ge: spec.ge } };
  }
  if (spec.le !== undefined && value > spec.le) {
    return { msg: `Input should be less than or equal to ${spec.le}`, type: "less_than_equal", ctx: { le: spec.le } };
  }
  return undefined;
}

const TRUE_STRINGS = new Set(["true", "1", "yes", "on", "t", "y"]);
const FALSE_STRINGS = new Set(["false", "0", "no", "off", "f", "n"]);

/** Pydantic's lax boolean: true/false, 0/1 and the usual words; shared with the catalogue's schemas. */
export function validateBoolean(raw: unknown, loc: Loc, issues: ValidationIssue[]): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (raw === 0 || raw === 1) return raw === 1;
  if (typeof raw === "string") {
    const lowered = raw.trim().toLowerCase();
    if (TRUE_STRINGS.has(lowered)) return true;
    if (FALSE_STRINGS.has(lowered)) return false;
    issues.push({ loc, msg: "Input should be a valid boolean, unable to interpret input", type: "bool_parsing", input: raw });
    return undefined;
  }
  issues.push({ loc, msg: "Input should be a valid boolean", type: "bool_type", input: raw });
  return undefined;
}

/** fal's ImageSize model: width/height default 512, each in (0, 14142]. */
const IMAGE_SIZE_FIELDS: InputSchema = {
  width: { type: "integer", default: 512, gt: 0, le: 14142 },
  height: { type: "integer", default: 512, gt: 0, le: 14142 },
};

function validateImageSize(raw: unknown, loc: Loc, issues: ValidationIssue[]): unknown {
  const presets = Object.keys(IMAGE_SIZE_PRESETS);
  if (typeof raw === "string") {
    if (presets.includes(raw)) return raw;
    const expected = describeChoices(presets);
    issues.push({ loc, msg: `Input should be ${expected}`, type: "enum", input: raw, ctx: { expected } });
    return undefined;
  }
  if (isPlainObject(raw)) {
    const before = issues.length;
    const value = validateObject(IMAGE_SIZE_FIELDS, raw, loc, "dictionary or instance of ImageSize", issues);
    return issues.length === before ? value : undefined;
  }
  issues.push({
    loc,
    msg: `Input should be a valid dictionary or instance of ImageSize, or one of ${describeChoices(presets)}`,
    type: "model_type",
    input: raw,
    ctx: { class_name: "ImageSize" },
  });
  return undefined;
}
