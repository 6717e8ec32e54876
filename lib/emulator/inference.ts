// The simulated model: builds the output JSON a real app would return for a validated input,
// following the model's documented output schema (see schema.ts OutputShape).

import { synthesizeOutput } from "./catalogue/synthesize";
import type { FileStore } from "./files";
import { modelImageSize, capSize } from "./image-size";
import { CONTENT_TYPES, FILE_EXTENSIONS, renderImage, type ImageFormat, type ImageRecipe } from "./images";
import { randomSeed } from "./random";
import type { ModelSpec } from "./schema";

export interface GenerationContext {
  files: FileStore;
  /** Base of file URLs, e.g. http://127.0.0.1:43123/cdn */
  cdnBase: string;
  maxImageSide: number;
  /** Scenario `nsfw`: every image is flagged (and blacked out, as fal's safety checker does). */
  flagNsfw: boolean;
  /** Seconds spent "running", reported in `timings.inference`. */
  inferenceSeconds: number;
}

export function generateOutput(model: ModelSpec, input: Record<string, unknown>, ctx: GenerationContext): Record<string, unknown> {
  if (model.catalogue) return synthesizeOutput(model.catalogue, input, ctx);
  const seed = typeof input.seed === "number" ? input.seed : randomSeed();
  const prompt = typeof input.prompt === "string" ? input.prompt : "";
  const format: ImageFormat = input.output_format === "png" || input.output_format === "jpeg" ? input.output_format : model.defaultFormat;
  const count = typeof input.num_images === "number" ? input.num_images : 1;
  const size = capSize(modelImageSize(model, input), ctx.maxImageSide);
  const syncMode = input.sync_mode === true;

  const recipes: ImageRecipe[] = Array.from({ length: count }, (_, index) => ({
    ...size,
    seed,
    prompt,
    index,
    format,
    blank: ctx.flagNsfw,
  }));

  if (model.output.kind === "image") {
    return {
      images: recipes.map((recipe) => ({
        url: imageUrl(recipe, syncMode, ctx),
        width: recipe.width,
        height: recipe.height,
        content_type: CONTENT_TYPES[format],
      })),
      timings: { inference: ctx.inferenceSeconds },
      seed,
      has_nsfw_concepts: recipes.map(() => ctx.flagNsfw),
      prompt,
    };
  }

  // File outputs report file_size, so these bytes are rendered now rather than on download.
  const images = recipes.map((recipe) => {
    const name = ctx.files.addGenerated(recipe);
    const bytes = ctx.files.get(name)?.bytes ?? renderImage(recipe);
    return {
      url: syncMode ? dataUri(bytes, format) : `${ctx.cdnBase}/files/${name}`,
      content_type: CONTENT_TYPES[format],
      file_name: `image.${FILE_EXTENSIONS[format]}`,
      file_size: bytes.length,
    };
  });
  return model.output.withSeed ? { images, seed } : { images };
}

/** sync_mode returns the media inline as a data URI instead of a CDN URL, as fal documents. */
function imageUrl(recipe: ImageRecipe, syncMode: boolean, ctx: GenerationContext): string {
  if (syncMode) return dataUri(renderImage(recipe), recipe.format);
  return `${ctx.cdnBase}/files/${ctx.files.addGenerated(recipe)}`;
}

function dataUri(bytes: Buffer, format: ImageFormat): string {
  return `data:${CONTENT_TYPES[format]};base64,${bytes.toString("base64")}`;
}

/** Log lines a diffusion app prints while it works. */
export const progressLog = {
  start: (model: ModelSpec) => `Loading ${model.title} weights`,
  ready: (steps: number) => `Model ready, running ${steps} inference steps`,
  step: (step: number, steps: number) => `Step ${step}/${steps} [${Math.round((step / steps) * 100)}%]`,
  done: (count: number, seconds: number) => `Generated ${count} image(s) in ${seconds.toFixed(2)}s`,
};
