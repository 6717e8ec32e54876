// The small schema language used to describe model inputs and outputs (see models.ts), close
// enough to the pydantic models behind fal apps that validate.ts can produce the same 422s.

import type { CatalogueEndpoint, JsonSchema } from "./catalogue/types";

export type ImageSizePreset =
  | "square_hd"
  | "square"
  | "portrait_4_3"
  | "portrait_16_9"
  | "landscape_4_3"
  | "landscape_16_9";

/** Pixel sizes of fal's image_size presets. */
export const IMAGE_SIZE_PRESETS: Record<ImageSizePreset, { width: number; height: number }> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
};

interface FieldBase {
  /** Missing required fields give a `missing` 422. */
  required?: boolean;
}

export interface StringField extends FieldBase {
  type: "string";
  default?: string;
  maxLength?: number;
}

/** Numeric bounds use pydantic's names: ge/le are inclusive, gt is exclusive. */
export interface NumberField extends FieldBase {
  type: "integer" | "float";
  default?: number;
  ge?: number;
  gt?: number;
  le?: number;
}

export interface BooleanField extends FieldBase {
  type: "boolean";
  default?: boolean;
}

export interface EnumField extends FieldBase {
  type: "enum";
  values: readonly string[];
  default?: string;
  /** For "Enum | string" fields (e.g. ultra's aspect_ratio): free-form values matching this are accepted too. */
  pattern?: RegExp;
}

/** `ImageSize | Enum`: a preset name or {width, height}. */
export interface ImageSizeField extends FieldBase {
  type: "image_size";
  default?: ImageSizePreset;
}

export interface ListField extends FieldBase {
  type: "list";
  items: FieldSpec;
  maxItems?: number;
}

/** A nested object. Without `fields` any JSON object is accepted (e.g. controlnet). */
export interface ObjectField extends FieldBase {
  type: "object";
  className: string;
  fields?: InputSchema;
}

/**
 * A field of a catalogue endpoint (lib/emulator/catalogue/), validated against the JSON Schema
 * generated from the official client's type map.
 */
export interface JsonField extends FieldBase {
  type: "json";
  schema: JsonSchema;
  definitions: Record<string, JsonSchema>;
  default?: unknown;
}

export type FieldSpec =
  | JsonField
  | StringField
  | NumberField
  | BooleanField
  | EnumField
  | ImageSizeField
  | ListField
  | ObjectField;

export type InputSchema = Record<string, FieldSpec>;

/**
 * Which of fal's two image output shapes a model documents:
 * - "image": `images: list<Image>` with url/width/height/content_type, plus timings, seed,
 *   has_nsfw_concepts and prompt (the FLUX-style output);
 * - "file": `images: list<File>` with url/content_type/file_name/file_size, plus `seed`
 *   only when `withSeed` is set (ideogram, imagen; recraft has no seed).
 */
export type OutputShape = { kind: "image" } | { kind: "file"; withSeed: boolean };

/** How a model decides the picture's dimensions. */
export type SizeRule =
  | { from: "image_size"; fallback: ImageSizePreset }
  | { from: "aspect_ratio"; megapixels: number; fallback: string };

export interface ModelSpec {
  /** Full endpoint id, e.g. "fal-ai/flux-pro/v1.1-ultra". */
  id: string;
  /** One line from the model's page, used in logs. */
  title: string;
  input: InputSchema;
  output: OutputShape;
  size: SizeRule;
  /** Format used when the input has no output_format field (or does not set it). */
  defaultFormat: "jpeg" | "png";
  /** Set for endpoints served from the generated catalogue: outputs follow its output schema. */
  catalogue?: CatalogueEndpoint;
}
