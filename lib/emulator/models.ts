// The models the emulator serves, transcribed from fal's model pages (/work/shared/seeds).
// Field names, types, enums and defaults follow the pages; where a page gives no range we use
// the bounds the live apps enforce (num_images 1..4, steps 1..50, ...). Unknown input fields
// are ignored, as pydantic does by default.

import { catalogueEndpoint, catalogueHasApp } from "./catalogue/load";
import { catalogueModel } from "./catalogue/model";
import type { FieldSpec, InputSchema, ModelSpec } from "./schema";

// ---- field building blocks shared by several models ----

const prompt: FieldSpec = { type: "string", required: true };
const negativePrompt: FieldSpec = { type: "string", default: "" };
const seed: FieldSpec = { type: "integer" };
const syncMode: FieldSpec = { type: "boolean", default: false };
const numImages: FieldSpec = { type: "integer", default: 1, ge: 1, le: 4 };
const enableSafetyChecker: FieldSpec = { type: "boolean", default: true };
const enhancePrompt: FieldSpec = { type: "boolean", default: false };
const outputFormat = (fallback: "jpeg" | "png"): FieldSpec => ({
  type: "enum",
  values: ["jpeg", "png"],
  default: fallback,
});
const safetyTolerance: FieldSpec = {
  type: "enum",
  values: ["1", "2", "3", "4", "5", "6"],
  default: "2",
};
const guidanceScale = (fallback: number, ge: number): FieldSpec => ({
  type: "float",
  default: fallback,
  ge,
  le: 20,
});
const inferenceSteps = (fallback: number, le: number): FieldSpec => ({
  type: "integer",
  default: fallback,
  ge: 1,
  le,
});
const imageSize = (fallback?: "square_hd" | "landscape_4_3"): FieldSpec =>
  fallback ? { type: "image_size", default: fallback } : { type: "image_size" };

const FLUX_ASPECT_RATIOS = ["21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"];
const fluxAspectRatio = (fallback?: string): FieldSpec =>
  fallback
    ? { type: "enum", values: FLUX_ASPECT_RATIOS, default: fallback }
    : { type: "enum", values: FLUX_ASPECT_RATIOS };

const loraWeight = (withWeightName: boolean): FieldSpec => {
  const fields: InputSchema = {
    path: { type: "string", required: true },
    scale: { type: "float", default: 1, ge: 0, le: 4 },
  };
  if (withWeightName) fields.weight_name = { type: "string" };
  return { type: "list", items: { type: "object", className: "LoraWeight", fields } };
};

// ---- FLUX.1 Kontext family ----

/** Inputs shared by every Kontext endpoint (pages 000-002). */
const kontextCommon: InputSchema = {
  prompt,
  seed,
  guidance_scale: guidanceScale(3.5, 1),
  sync_mode: syncMode,
  num_images: numImages,
  safety_tolerance: safetyTolerance,
  output_format: outputFormat("jpeg"),
  enhance_prompt: enhancePrompt,
};

const kontextTextToImage: InputSchema = { ...kontextCommon, aspect_ratio: fluxAspectRatio("1:1") };

const KONTEXT_SIZE = { from: "aspect_ratio", megapixels: 1.05, fallback: "1:1" } as const;

// ---- the table ----

export const MODELS: readonly ModelSpec[] = [
  {
    id: "fal-ai/flux-pro/kontext",
    title: "FLUX.1 Kontext [pro] -- frontier image editing model",
    input: {
      ...kontextCommon,
      aspect_ratio: fluxAspectRatio(),
      image_url: { type: "string", required: true },
    },
    output: { kind: "image" },
    size: KONTEXT_SIZE,
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/flux-pro/kontext/text-to-image",
    title: "FLUX.1 Kontext [pro] text-to-image",
    input: kontextTextToImage,
    output: { kind: "image" },
    size: KONTEXT_SIZE,
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/flux-pro/kontext/max/multi",
    title: "FLUX.1 Kontext [max] with multiple images (experimental)",
    input: {
      ...kontextCommon,
      aspect_ratio: fluxAspectRatio(),
      image_urls: { type: "list", items: { type: "string" }, required: true },
    },
    output: { kind: "image" },
    size: KONTEXT_SIZE,
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/flux-pro/kontext/max/text-to-image",
    title: "FLUX.1 Kontext [max] text-to-image",
    input: kontextTextToImage,
    output: { kind: "image" },
    size: KONTEXT_SIZE,
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/flux-pro/v1.1-ultra",
    title: "FLUX1.1 [pro] ultra",
    input: {
      prompt,
      seed,
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("jpeg"),
      safety_tolerance: safetyTolerance,
      enhance_prompt: enhancePrompt,
      image_url: { type: "string" },
      image_prompt_strength: { type: "float", default: 0.1, ge: 0, le: 1 },
      // "Enum | string": custom ratios such as "5:4" are allowed too.
      aspect_ratio: { type: "enum", values: FLUX_ASPECT_RATIOS, default: "16:9", pattern: /^\d{1,3}:\d{1,3}$/ },
      raw: { type: "boolean", default: false },
    },
    output: { kind: "image" },
    size: { from: "aspect_ratio", megapixels: 4.2, fallback: "16:9" },
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/flux-1/schnell",
    title: "FLUX.1 [schnell]",
    input: {
      prompt,
      image_size: imageSize("landscape_4_3"),
      num_inference_steps: inferenceSteps(4, 12),
      seed,
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("png"),
      acceleration: { type: "enum", values: ["none", "regular", "high"], default: "regular" },
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "landscape_4_3" },
    defaultFormat: "png",
  },
  {
    id: "fal-ai/hidream-i1-full",
    title: "HiDream-I1 full",
    input: {
      prompt,
      negative_prompt: negativePrompt,
      image_size: imageSize(),
      num_inference_steps: inferenceSteps(50, 50),
      seed,
      guidance_scale: guidanceScale(5, 0),
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("jpeg"),
      loras: loraWeight(true),
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/hidream-i1-fast",
    title: "HiDream-I1 fast",
    input: {
      prompt,
      negative_prompt: negativePrompt,
      image_size: imageSize(),
      num_inference_steps: inferenceSteps(16, 50),
      seed,
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("jpeg"),
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/ideogram/v2",
    title: "Ideogram V2",
    input: {
      prompt,
      aspect_ratio: {
        type: "enum",
        values: ["10:16", "16:10", "9:16", "16:9", "4:3", "3:4", "1:1", "1:3", "3:1", "3:2", "2:3"],
        default: "1:1",
      },
      expand_prompt: { type: "boolean", default: true },
      seed,
      style: {
        type: "enum",
        values: ["auto", "general", "realistic", "design", "render_3D", "anime"],
        default: "auto",
      },
      sync_mode: syncMode,
      negative_prompt: negativePrompt,
    },
    output: { kind: "file", withSeed: true },
    size: { from: "aspect_ratio", megapixels: 1.05, fallback: "1:1" },
    defaultFormat: "png",
  },
  ...["fal-ai/imagen4/preview", "fal-ai/imagen4/preview/fast"].map(
    (id): ModelSpec => ({
      id,
      title: id.endsWith("fast") ? "Imagen 4 (preview, fast)" : "Imagen 4 (preview)",
      input: {
        prompt,
        negative_prompt: negativePrompt,
        aspect_ratio: { type: "enum", values: ["1:1", "16:9", "9:16", "3:4", "4:3"], default: "1:1" },
        num_images: numImages,
        seed,
      },
      output: { kind: "file", withSeed: true },
      size: { from: "aspect_ratio", megapixels: 1.05, fallback: "1:1" },
      defaultFormat: "png",
    }),
  ),
  {
    id: "fal-ai/recraft/v2/text-to-image",
    title: "Recraft V2 text-to-image",
    input: {
      prompt: { type: "string", required: true, maxLength: 1000 },
      image_size: imageSize("square_hd"),
      style: { type: "enum", values: RECRAFT_STYLES(), default: "realistic_image" },
      colors: {
        type: "list",
        items: {
          type: "object",
          className: "RGBColor",
          fields: {
            r: { type: "integer", default: 0, ge: 0, le: 255 },
            g: { type: "integer", default: 0, ge: 0, le: 255 },
            b: { type: "integer", default: 0, ge: 0, le: 255 },
          },
        },
      },
      style_id: { type: "string" },
      enable_safety_checker: { type: "boolean", default: false },
    },
    output: { kind: "file", withSeed: false },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "png",
  },
  {
    id: "fal-ai/stable-diffusion-v35-large",
    title: "Stable Diffusion 3.5 Large",
    input: {
      prompt,
      negative_prompt: negativePrompt,
      num_inference_steps: inferenceSteps(28, 50),
      seed,
      guidance_scale: guidanceScale(3.5, 0),
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("jpeg"),
      controlnet: { type: "object", className: "ControlNet" },
      image_size: imageSize("landscape_4_3"),
      loras: loraWeight(false),
      ip_adapter: { type: "object", className: "IPAdapter" },
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "landscape_4_3" },
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/omnigen-v2",
    title: "OmniGen v2",
    input: {
      prompt,
      input_image_urls: { type: "list", items: { type: "string" } },
      image_size: imageSize("square_hd"),
      num_inference_steps: inferenceSteps(50, 50),
      seed,
      text_guidance_scale: guidanceScale(5, 1),
      image_guidance_scale: guidanceScale(2, 1),
      negative_prompt: {
        type: "string",
        default:
          "(((deformed))), blurry, over saturation, bad anatomy, disfigured, poorly drawn face, mutation, mutated, (extra_limb), (ugly), (poorly drawn hands), fused fingers, messy drawing, broken legs censor, censored, censor_bar",
      },
      cfg_range_start: { type: "float", default: 0, ge: 0, le: 1 },
      cfg_range_end: { type: "float", default: 1, ge: 0, le: 1 },
      scheduler: { type: "enum", values: ["euler", "dpmsolver"], default: "euler" },
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      output_format: outputFormat("jpeg"),
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "jpeg",
  },
  {
    id: "fal-ai/f-lite/standard",
    title: "F Lite (standard)",
    input: {
      prompt,
      negative_prompt: negativePrompt,
      image_size: imageSize("landscape_4_3"),
      num_inference_steps: inferenceSteps(28, 50),
      seed,
      guidance_scale: guidanceScale(3.5, 0),
      sync_mode: syncMode,
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "landscape_4_3" },
    defaultFormat: "jpeg",
  },
  {
    // Not among the seed pages: the realtime model fal's docs use (fields and defaults from the
    // official client's endpoint types). Also served over run/queue.
    id: "fal-ai/fast-lcm-diffusion",
    title: "Fast LCM diffusion (realtime)",
    input: {
      prompt,
      model_name: {
        type: "enum",
        values: ["stabilityai/stable-diffusion-xl-base-1.0", "runwayml/stable-diffusion-v1-5"],
        default: "stabilityai/stable-diffusion-xl-base-1.0",
      },
      negative_prompt: negativePrompt,
      image_size: imageSize("square_hd"),
      num_inference_steps: inferenceSteps(6, 24),
      guidance_scale: guidanceScale(1.5, 0),
      seed,
      sync_mode: { type: "boolean", default: true },
      num_images: numImages,
      enable_safety_checker: enableSafetyChecker,
      format: outputFormat("jpeg"),
      request_id: { type: "string", default: "" },
    },
    output: { kind: "image" },
    size: { from: "image_size", fallback: "square_hd" },
    defaultFormat: "jpeg",
  },
];

/** Recraft's style enum, verbatim from its page (a function so the long list sits at the bottom). */
function RECRAFT_STYLES(): string[] {
  const groups: Record<string, string[]> = {
    realistic_image: [
      "b_and_w", "enterprise", "hard_flash", "hdr", "motion_blur", "natural_light", "studio_portrait",
    ],
    digital_illustration: [
      "2d_art_poster", "2d_art_poster_2", "3d", "80s", "engraving_color", "glow", "grain", "hand_drawn",
      "hand_drawn_outline", "handmade_3d", "infantile_sketch", "kawaii", "pixel_art", "psychedelic",
      "seamless", "voxel", "watercolor",
    ],
    vector_illustration: [
      "cartoon", "doodle_line_art", "engraving", "flat_2", "kawaii", "line_art", "line_circuit", "linocut",
      "seamless",
    ],
  };
  const icons = [
    "broken_line", "colored_outline", "colored_shapes", "colored_shapes_gradient", "doodle_fill",
    "doodle_offset_fill", "offset_fill", "outline", "outline_gradient", "uneven_fill",
  ];
  return [
    "any",
    "realistic_image",
    "digital_illustration",
    "vector_illustration",
    ...Object.entries(groups).flatMap(([group, styles]) => styles.map((s) => `${group}/${s}`)),
    ...icons.map((s) => `icon/${s}`),
  ];
}

const MODELS_BY_ID = new Map(MODELS.map((model) => [model.id, model]));

/**
 * The hand-written model for an endpoint id, else the one generated from the official client's
 * endpoint types (catalogue/, loaded on the first id that is not hand-written).
 */
export function findModel(endpointId: string): ModelSpec | undefined {
  return MODELS_BY_ID.get(endpointId) ?? catalogueModel(endpointId);
}

/** True when some model (hand-written or catalogue) lives under this `[ns/]owner/alias` app id. */
export function isKnownApp(appId: string): boolean {
  return MODELS.some((model) => model.id === appId || model.id.startsWith(`${appId}/`)) || catalogueHasApp(appId);
}

/**
 * Endpoints with a `/stream` route (their model pages show `fal.stream`): while running they
 * send one preview event per inference step (stream-previews.ts), then the normal output.
 * Other models answer `<id>/stream` with 404 "Path /stream not found", as fal does.
 */
const STREAMING_MODEL_IDS: ReadonlySet<string> = new Set(["fal-ai/hidream-i1-full", "fal-ai/hidream-i1-fast"]);

export function streamsPartialOutputs(endpointId: string): boolean {
  // Catalogue endpoints stream only where the official type map lists an "<id>/stream" endpoint
  // (fal-ai/flux-lora, fal-ai/flux-krea-lora); the map says nothing else about streaming.
  return STREAMING_MODEL_IDS.has(endpointId) || (!MODELS_BY_ID.has(endpointId) && catalogueEndpoint(`${endpointId}/stream`) !== undefined);
}

/** Apps with a realtime WebSocket endpoint (`<run>/<app>/realtime`, realtime.ts). */
const REALTIME_APP_IDS: ReadonlySet<string> = new Set(["fal-ai/fast-lcm-diffusion"]);

export function realtimeModel(appId: string): ModelSpec | undefined {
  return REALTIME_APP_IDS.has(appId) ? findModel(appId) : undefined;
}
