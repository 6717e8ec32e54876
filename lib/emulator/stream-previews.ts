// The partial outputs a streaming image model sends while it denoises: one event per inference
// step with low-resolution previews that sharpen (grow) as the steps progress, then the normal
// output as the last event. fal documents no fixed shape for these events beyond "partial
// outputs, the last one being the result" (wire doc §9.2), so this one is the emulator's
// choice: the Image list of the final output plus progress fields and `partial: true`.

import { modelImageSize } from "./image-size";
import { CONTENT_TYPES, renderImage, type ImageFormat } from "./images";
import type { ModelSpec } from "./schema";

/** Long side of the last (sharpest) preview. */
const PREVIEW_SIDE = 64;

export interface PreviewRequest {
  model: ModelSpec;
  /** Validated input, defaults filled in, seed fixed. */
  input: Record<string, unknown>;
  step: number;
  steps: number;
  blank: boolean;
}

export function previewEvent(request: PreviewRequest): Record<string, unknown> {
  const { model, input, step, steps } = request;
  const format: ImageFormat = input.output_format === "png" || input.output_format === "jpeg" ? input.output_format : model.defaultFormat;
  const full = modelImageSize(model, input);
  const longSide = Math.max(8, Math.round((PREVIEW_SIDE * step) / Math.max(1, steps)));
  const scale = longSide / Math.max(full.width, full.height);
  const width = Math.max(1, Math.round(full.width * scale));
  const height = Math.max(1, Math.round(full.height * scale));
  const count = typeof input.num_images === "number" ? input.num_images : 1;
  const seed = input.seed as number;
  const prompt = typeof input.prompt === "string" ? input.prompt : "";

  const images = Array.from({ length: count }, (_, index) => {
    const bytes = renderImage({ width, height, seed, prompt, index, format, blank: request.blank });
    return {
      url: `data:${CONTENT_TYPES[format]};base64,${bytes.toString("base64")}`,
      width,
      height,
      content_type: CONTENT_TYPES[format],
    };
  });
  return {
    images,
    partial: true,
    step,
    total_steps: steps,
    progress: Math.round((step / Math.max(1, steps)) * 1000) / 1000,
    seed,
    prompt,
  };
}
