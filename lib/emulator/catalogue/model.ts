// Catalogue endpoints as emulator models: a ModelSpec whose input fields are validated against
// the generated JSON Schema (JsonField in schema.ts) and whose output is synthesized from the
// declared output schema (synthesize.ts). Built on first use and memoized.

import type { InputSchema, ModelSpec } from "../schema";
import { catalogueEndpoint } from "./load";
import { deref } from "./types";

const built = new Map<string, ModelSpec | null>();

export function catalogueModel(id: string): ModelSpec | undefined {
  let model = built.get(id);
  if (model === undefined) {
    model = buildModel(id) ?? null;
    built.set(id, model);
  }
  return model ?? undefined;
}

function buildModel(id: string): ModelSpec | undefined {
  const endpoint = catalogueEndpoint(id);
  if (!endpoint) return undefined;
  const schema = deref(endpoint.input, endpoint.definitions);
  const required = new Set(schema.required ?? []);
  const input: InputSchema = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const fallback = field.default ?? deref(field, endpoint.definitions).default;
    input[name] = {
      type: "json",
      schema: field,
      definitions: endpoint.definitions,
      required: required.has(name),
      ...(fallback !== undefined ? { default: fallback } : {}),
    };
  }
  return {
    id,
    title: `${id} (from the @fal-ai/client endpoint types)`,
    input,
    output: { kind: "image" },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "jpeg",
    catalogue: endpoint,
  };
}
