// The shape of dist/lib/emulator/catalogue/catalogue.json, written at build time by
// scripts/generate-catalogue.js from the official client's EndpointTypeMap: a compacted JSON
// Schema per endpoint input and output, sharing one `definitions` table.

/** The JSON Schema subset ts-json-schema-generator emits for the type map (after compaction). */
export interface JsonSchema {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean" | "null" | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  /** The client's `string | Blob | File` upload union: a file URL (or data URI) on the wire. */
  "x-fal-file"?: true;
}

export interface CatalogueFile {
  source: { client: string; generator: string; typescript: string; script: string; types: string };
  endpoints: Record<string, { input: JsonSchema; output: JsonSchema }>;
  definitions: Record<string, JsonSchema>;
}

/** One endpoint, ready for the emulator: its schemas plus the table their $refs point into. */
export interface CatalogueEndpoint {
  id: string;
  input: JsonSchema;
  output: JsonSchema;
  definitions: Record<string, JsonSchema>;
}

/** Follow $ref (possibly through several) to the schema it names. */
export function deref(schema: JsonSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 16; hops++) {
    const name = current.$ref.slice(current.$ref.lastIndexOf("/") + 1);
    const target = definitions[decodeURIComponent(name)];
    if (!target) return {};
    // A $ref with siblings (a default next to the ref) keeps the siblings.
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

/** The name a $ref points at ("#/definitions/Image" -> "Image"). */
export function refName(schema: JsonSchema): string | undefined {
  return schema.$ref ? decodeURIComponent(schema.$ref.slice(schema.$ref.lastIndexOf("/") + 1)) : undefined;
}
