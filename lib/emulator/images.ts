// Turns a picture description into real PNG or JPEG bytes.

import * as jpeg from "jpeg-js";
import { drawPicture, type PictureSpec } from "./picture";
import { encodePng } from "./png";

export type ImageFormat = "jpeg" | "png";

export const CONTENT_TYPES: Record<ImageFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
};

export const FILE_EXTENSIONS: Record<ImageFormat, string> = {
  jpeg: "jpg",
  png: "png",
};

/** Everything needed to (re)create an image's bytes deterministically. */
export interface ImageRecipe extends PictureSpec {
  format: ImageFormat;
}

const JPEG_QUALITY = 90;

export function renderImage(recipe: ImageRecipe): Buffer {
  const rgb = drawPicture(recipe);
  if (recipe.format === "png") return encodePng(recipe.width, recipe.height, rgb);

  // jpeg-js wants RGBA.
  const rgba = Buffer.alloc(recipe.width * recipe.height * 4);
  for (let src = 0, dst = 0; src < rgb.length; src += 3, dst += 4) {
    rgba[dst] = rgb[src];
    rgba[dst + 1] = rgb[src + 1];
    rgba[dst + 2] = rgb[src + 2];
    rgba[dst + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width: recipe.width, height: recipe.height }, JPEG_QUALITY).data;
}
