// Output synthesis for catalogue endpoints: walks the endpoint's declared output schema and
// builds a value of that shape. Media objects (anything with a `url` field) become real files on
// the emulator's CDN: pictures (PNG/JPEG through images.ts, at the requested size and count),
// WAV audio, MP4 video, GLB for 3D, plain bytes otherwise. Enums take the input's value when it
// is one of theirs, else their JSDoc default, else their first member; text and numbers are
// plausible placeholders derived from the input (prompt, seed, duration...).

import { createHash, randomUUID } from "node:crypto";
import type { FileStore } from "../files";
import { capSize, sizeForAspectRatio, type Size } from "../image-size";
import { CONTENT_TYPES, FILE_EXTENSIONS, renderImage, type ImageFormat, type ImageRecipe } from "../images";
import type { GenerationContext } from "../inference";
import { randomSeed } from "../random";
import { IMAGE_SIZE_PRESETS, type ImageSizePreset } from "../schema";
import { makeGlb, makeMp4, makeWav } from "./media";
import { deref, refName, type CatalogueEndpoint, type JsonSchema } from "./types";

type MediaKind = "image" | "video" | "audio" | "model3d" | "file";

interface Synth {
  endpoint: CatalogueEndpoint;
  input: Record<string, unknown>;
  ctx: GenerationContext;
  seed: number;
  prompt: string;
  format: ImageFormat;
  size: Size;
  count: number;
  /** Per-kind counter so several images of one list differ. */
  index: number;
}

export function synthesizeOutput(endpoint: CatalogueEndpoint, input: Record<string, unknown>, ctx: GenerationContext): Record<string, unknown> {
  const seed = typeof input.seed === "number" ? input.seed : randomSeed();
  const prompt = typeof input.prompt === "string" ? input.prompt : typeof input.text === "string" ? input.text : "";
  const synth: Synth = {
    endpoint,
    input,
    ctx,
    seed,
    prompt,
    format: input.output_format === "png" ? "png" : "jpeg",
    size: capSize(requestedSize(input), ctx.maxImageSide),
    count: outputCount(input),
    index: 0,
  };
  const out = value(synth, endpoint.output, [], 0);
  return out && typeof out === "object" && !Array.isArray(out) ? (out as Record<string, unknown>) : { output: out };
}

/** How many items a list of generated media has: num_images and friends, clamped to 1..8. */
function outputCount(input: Record<string, unknown>): number {
  for (const key of ["num_images", "num_outputs", "num_videos", "num_samples", "n", "batch_size"]) {
    const n = input[key];
    if (typeof n === "number" && Number.isFinite(n)) return Math.min(8, Math.max(1, Math.round(n)));
  }
  return 1;
}

/** The size the real model would generate: image_size, aspect_ratio, width/height, else 1024x1024. */
function requestedSize(input: Record<string, unknown>): Size {
  const imageSize = input.image_size;
  if (typeof imageSize === "string" && imageSize in IMAGE_SIZE_PRESETS) return IMAGE_SIZE_PRESETS[imageSize as ImageSizePreset];
  if (imageSize && typeof imageSize === "object") {
    const { width, height } = imageSize as Partial<Size>;
    if (typeof width === "number" && typeof height === "number" && width > 0 && height > 0) return { width, height };
  }
  if (typeof input.width === "number" && typeof input.height === "number" && input.width > 0 && input.height > 0) {
    return { width: input.width, height: input.height };
  }
  if (typeof input.aspect_ratio === "string" && /^\d+(\.\d+)?:\d+(\.\d+)?$/.test(input.aspect_ratio)) {
    return sizeForAspectRatio(input.aspect_ratio, 1.05);
  }
  return { width: 1024, height: 1024 };
}

const MAX_DEPTH = 6;

function value(s: Synth, schema: JsonSchema, path: string[], depth: number): unknown {
  const name = refName(schema);
  const node = deref(schema, s.endpoint.definitions);
  const key = path[path.length - 1] ?? "";
  if (node.const !== undefined) return node.const;
  if (node.enum) {
    const fromInput = s.input[key];
    if (node.enum.includes(fromInput)) return fromInput;
    return node.default !== undefined && node.enum.includes(node.default) ? node.default : node.enum[0];
  }
  if (node.anyOf) {
    // Prefer a concrete non-null member; a media object over a bare string.
    const members = node.anyOf.filter((m) => deref(m, s.endpoint.definitions).type !== "null");
    const media = members.find((m) => isMediaObject(deref(m, s.endpoint.definitions)));
    return members.length ? value(s, media ?? members[0], path, depth) : null;
  }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== "null") : node.type ?? (node.properties ? "object" : undefined);
  switch (type) {
    case "object":
      if (isMediaObject(node)) return mediaObject(s, node, name, path);
      if (depth >= MAX_DEPTH) return {};
      return objectValue(s, node, path, depth);
    case "array":
      return arrayValue(s, node, path, depth);
    case "string":
      return stringValue(s, node, key, path);
    case "number":
    case "integer":
      return numberValue(s, node, key);
    case "boolean":
      return typeof node.default === "boolean" ? node.default : key === "has_nsfw_concepts" ? s.ctx.flagNsfw : false;
    case "null":
      return null;
    default:
      return node.default ?? null;
  }
}

function objectValue(s: Synth, node: JsonSchema, path: string[], depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set(node.required ?? []);
  for (const [field, child] of Object.entries(node.properties ?? {})) {
    // Optional fields are filled near the top (they carry the interesting data), skipped deeper.
    if (!required.has(field) && (depth >= 2 || /^(error|errors|error_message|error_type|detail)$/.test(field))) continue;
    out[field] = value(s, child, [...path, field], depth + 1);
  }
  return out;
}

function arrayValue(s: Synth, node: JsonSchema, path: string[], depth: number): unknown[] {
  if (!node.items || depth >= MAX_DEPTH) return [];
  const key = path[path.length - 1] ?? "";
  const items = deref(node.items, s.endpoint.definitions);
  // `Array<void>` in the type map (untyped lists): only an empty list matches it.
  if (items.type === "null") return [];
  let length = 1;
  if (isMediaObject(items) || key === "has_nsfw_concepts" || /^(images|videos|audios|outputs)$/.test(key)) length = s.count;
  else if (key === "embedding" || key === "embeddings" || /^(vector|values)$/.test(key)) length = 8;
  if (node.minItems !== undefined) length = Math.max(length, node.minItems);
  if (node.maxItems !== undefined) length = Math.min(length, node.maxItems);
  return Array.from({ length }, (_, index) => value(s, node.items as JsonSchema, [...path, key === "" ? String(index) : key], depth + 1));
}

function stringValue(s: Synth, node: JsonSchema, key: string, path: string[]): string {
  if (typeof node.default === "string") return node.default;
  if (key === "prompt" || key === "revised_prompt" || key === "enhanced_prompt") return s.prompt;
  if (key === "request_id" || key.endsWith("_id")) return randomUUID();
  if (key === "url" || key.endsWith("_url")) return mediaUrl(s, kindFor(undefined, path, undefined));
  if (key === "content_type") return "application/octet-stream";
  if (key === "language" || key === "lang") return "en";
  if (key === "timestamp" || key.endsWith("_at")) return new Date().toISOString();
  if (/text|output|response|caption|description|answer|content|transcript|reasoning|message|summary|lyrics/.test(key)) {
    return s.prompt ? `Emulated output for: ${s.prompt}` : "Emulated output from the fal-native emulator.";
  }
  return `emulated ${key || "value"}`;
}

function numberValue(s: Synth, node: JsonSchema, key: string): number {
  if (key === "seed") return s.seed;
  if (typeof node.default === "number") return node.default;
  if (key === "width") return s.size.width;
  if (key === "height") return s.size.height;
  if (key === "inference" || key.endsWith("_time") || key === "latency") return s.ctx.inferenceSeconds;
  if (key === "duration") return mediaSeconds(s);
  if (key === "fps" || key === "frame_rate") return 24;
  if (key === "num_frames") return Math.round(mediaSeconds(s) * 24);
  if (key === "sample_rate") return 8000;
  if (key === "channels") return 1;
  if (/score|confidence|probability|similarity/.test(key)) return 0.5;
  if (/^(start|x|y|x_min|y_min|left|top)$/.test(key)) return 0;
  if (/^(end|x_max|y_max|right|bottom)$/.test(key)) return 1;
  const fromInput = s.input[key];
  if (typeof fromInput === "number") return fromInput;
  return 1;
}

/** Seconds of audio or video: the input's duration (a number or "5"/"5s"), else 5, at most 5 rendered. */
function mediaSeconds(s: Synth): number {
  const raw = s.input.duration ?? s.input.seconds_total ?? s.input.duration_seconds;
  const n = typeof raw === "number" ? raw : typeof raw === "string" ? parseFloat(raw) : NaN;
  return Number.isFinite(n) && n > 0 ? n : 5;
}

// ---- media ----

function isMediaObject(node: JsonSchema): boolean {
  return !!node.properties && "url" in node.properties && (node.type === "object" || node.type === undefined) &&
    ("content_type" in node.properties || "file_name" in node.properties || "width" in node.properties || (node.required ?? []).length <= 1);
}

const VIDEO_WORDS = /video|movie|clip|animation/;
const AUDIO_WORDS = /audio|speech|voice|music|sound|song|tts|wav|mp3/;
const MODEL_WORDS = /glb|mesh|model_|3d|obj|gltf|ply|splat|usdz/;
const IMAGE_WORDS = /image|img|mask|frame|picture|photo|depth|sketch|thumbnail|icon|logo|sticker/;

function kindFor(name: string | undefined, path: string[], node: JsonSchema | undefined): MediaKind {
  const contentType = node?.properties?.content_type?.default;
  if (typeof contentType === "string") {
    if (contentType.startsWith("image/")) return "image";
    if (contentType.startsWith("video/")) return "video";
    if (contentType.startsWith("audio/")) return "audio";
    if (contentType.startsWith("model/")) return "model3d";
  }
  const words = `${(name ?? "").toLowerCase()} ${path.join(" ").toLowerCase()}`;
  const byName = (name ?? "").toLowerCase();
  // The type's own name is the strongest hint (Image, VideoFile, AudioFile...), then the field path.
  if (/video/.test(byName)) return "video";
  if (/audio/.test(byName)) return "audio";
  if (/image/.test(byName) || (node?.properties && "width" in node.properties && "height" in node.properties && !VIDEO_WORDS.test(words))) return "image";
  const last = path[path.length - 1]?.toLowerCase() ?? "";
  for (const text of [last, words]) {
    if (VIDEO_WORDS.test(text)) return "video";
    if (AUDIO_WORDS.test(text)) return "audio";
    if (MODEL_WORDS.test(text)) return "model3d";
    if (IMAGE_WORDS.test(text)) return "image";
  }
  return "file";
}

interface StoredMedia {
  url: string;
  contentType: string;
  fileName: string;
  size: number;
  width?: number;
  height?: number;
}

function mediaObject(s: Synth, node: JsonSchema, name: string | undefined, path: string[]): Record<string, unknown> {
  const kind = kindFor(name, path, node);
  const media = storeMedia(s, kind);
  const out: Record<string, unknown> = { url: media.url };
  const props = node.properties ?? {};
  const required = new Set(node.required ?? []);
  for (const [field, child] of Object.entries(props)) {
    if (field === "url") continue;
    if (field === "content_type") out[field] = media.contentType;
    else if (field === "file_name") out[field] = media.fileName;
    else if (field === "file_size") out[field] = media.size;
    else if (field === "width" && media.width !== undefined) out[field] = media.width;
    else if (field === "height" && media.height !== undefined) out[field] = media.height;
    else if (field === "file_data") continue; // never filled by fal either unless asked
    else if (required.has(field) || /duration|fps|num_frames|sample_rate|channels/.test(field)) {
      out[field] = value(s, child, [...path, field], MAX_DEPTH - 1);
    }
  }
  return out;
}

function mediaUrl(s: Synth, kind: MediaKind): string {
  return storeMedia(s, kind).url;
}

function storeMedia(s: Synth, kind: MediaKind): StoredMedia {
  const index = s.index++;
  if (kind === "image") {
    const recipe: ImageRecipe = { ...s.size, seed: s.seed, prompt: s.prompt, index, format: s.format, blank: s.ctx.flagNsfw };
    const contentType = CONTENT_TYPES[s.format];
    const fileName = `image.${FILE_EXTENSIONS[s.format]}`;
    if (s.input.sync_mode === true) {
      const bytes = renderImage(recipe);
      return { url: `data:${contentType};base64,${bytes.toString("base64")}`, contentType, fileName, size: bytes.length, ...s.size };
    }
    const name = s.ctx.files.addGenerated(recipe);
    // file_size needs the bytes; rendering is cached by the FileStore, so a later download is free.
    const size = s.ctx.files.get(name)?.bytes.length ?? 0;
    return { url: `${s.ctx.cdnBase}/files/${name}`, contentType, fileName, size, ...s.size };
  }
  let bytes: Buffer;
  let contentType: string;
  let fileName: string;
  let width: number | undefined;
  let height: number | undefined;
  const seconds = Math.min(5, mediaSeconds(s));
  if (kind === "video") {
    width = 32;
    height = Math.max(8, Math.round((32 * s.size.height) / s.size.width / 2) * 2);
    bytes = makeMp4(width, height, 8, 8, s.seed + index);
    contentType = "video/mp4";
    fileName = "video.mp4";
  } else if (kind === "audio") {
    bytes = makeWav(Math.min(2, seconds), s.seed + index);
    contentType = "audio/wav";
    fileName = "audio.wav";
  } else if (kind === "model3d") {
    bytes = makeGlb();
    contentType = "model/gltf-binary";
    fileName = "model.glb";
  } else {
    bytes = Buffer.from(s.prompt ? `Emulated output for: ${s.prompt}\n` : "Emulated output from the fal-native emulator.\n");
    contentType = "text/plain";
    fileName = "output.txt";
  }
  return { ...storeBytes(s.ctx.files, bytes, contentType, fileName, s.ctx.cdnBase), width, height };
}

/** Put bytes on the emulator's CDN under a content-derived name (same bytes, same URL). */
function storeBytes(files: FileStore, bytes: Buffer, contentType: string, fileName: string, cdnBase: string): StoredMedia {
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 24);
  const key = `${digest}/${fileName}`;
  if (!files.getUpload(key)) files.putUpload(key, { chunks: [bytes], size: bytes.length, contentType, fileName, lifecycle: undefined });
  return { url: `${cdnBase}/files/${key}`, contentType, fileName, size: bytes.length };
}
