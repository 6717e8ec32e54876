// Picture dimensions: what the model would produce for an input, and the (smaller) size the
// emulator actually renders and reports.

import { IMAGE_SIZE_PRESETS, type ImageSizePreset, type ModelSpec } from "./schema";

export interface Size {
  width: number;
  height: number;
}

/** The size the real model would generate, from image_size or aspect_ratio. */
export function modelImageSize(model: ModelSpec, input: Record<string, unknown>): Size {
  const rule = model.size;
  if (rule.from === "image_size") {
    const requested = input.image_size;
    if (typeof requested === "string" && requested in IMAGE_SIZE_PRESETS) {
      return IMAGE_SIZE_PRESETS[requested as ImageSizePreset];
    }
    if (requested && typeof requested === "object") {
      const { width, height } = requested as Size;
      return { width, height };
    }
    return IMAGE_SIZE_PRESETS[rule.fallback];
  }
  const ratio = typeof input.aspect_ratio === "string" ? input.aspect_ratio : rule.fallback;
  return sizeForAspectRatio(ratio, rule.megapixels);
}

/** Dimensions with roughly `megapixels` of area, in the ratio "W:H", rounded to multiples of 16 as diffusion models do. */
export function sizeForAspectRatio(ratio: string, megapixels: number): Size {
  const [w, h] = ratio.split(":").map(Number);
  const r = w > 0 && h > 0 ? w / h : 1;
  const height = Math.sqrt((megapixels * 1_000_000) / r);
  const roundTo16 = (n: number) => Math.max(16, Math.round(n / 16) * 16);
  return { width: roundTo16(height * r), height: roundTo16(height) };
}

/** Scale down (never up) so the long side is at most maxSide, keeping the aspect ratio. */
export function capSize(size: Size, maxSide: number): Size {
  const scale = Math.min(1, maxSide / Math.max(size.width, size.height));
  return {
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  };
}
