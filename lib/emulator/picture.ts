// Draws the emulator's "generated image": a diagonal gradient with soft circles and bars whose
// colours and placement come from the prompt and seed. Same inputs, same pixels; different seeds
// look visibly different, which makes outputs easy to tell apart in a demo.

import { hashString, seededRandom } from "./random";

export interface PictureSpec {
  width: number;
  height: number;
  seed: number;
  prompt: string;
  /** Position within a multi-image request, so num_images > 1 gives distinct pictures. */
  index: number;
  /** Render a black frame, as fal does for images its safety checker flags. */
  blank?: boolean;
}

type Rgb = [number, number, number];

/** Returns tightly packed RGB pixels (width * height * 3 bytes). */
export function drawPicture(spec: PictureSpec): Uint8Array {
  const { width, height } = spec;
  const pixels = new Uint8Array(width * height * 3);
  if (spec.blank) return pixels;

  const random = seededRandom(hashString(spec.prompt) ^ Math.imul(spec.seed >>> 0, 2654435761) ^ (spec.index * 0x9e3779b9));
  const baseHue = random() * 360;
  const from = hsl(baseHue, 0.55, 0.25 + random() * 0.2);
  const to = hsl((baseHue + 60 + random() * 120) % 360, 0.6, 0.55 + random() * 0.2);
  fillGradient(pixels, width, height, from, to);

  const shortSide = Math.min(width, height);
  const shapes = 4 + Math.floor(random() * 5);
  for (let i = 0; i < shapes; i++) {
    const colour = hsl((baseHue + random() * 240) % 360, 0.5 + random() * 0.4, 0.35 + random() * 0.45);
    const alpha = 0.35 + random() * 0.45;
    const cx = random() * width;
    const cy = random() * height;
    if (random() < 0.65) {
      drawCircle(pixels, width, height, cx, cy, shortSide * (0.05 + random() * 0.25), colour, alpha);
    } else {
      const w = width * (0.1 + random() * 0.4);
      const h = height * (0.03 + random() * 0.15);
      drawRect(pixels, width, height, cx - w / 2, cy - h / 2, w, h, colour, alpha);
    }
  }
  return pixels;
}

function fillGradient(pixels: Uint8Array, width: number, height: number, from: Rgb, to: Rgb): void {
  const span = Math.max(1, width + height - 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / span;
      const offset = (y * width + x) * 3;
      pixels[offset] = from[0] + (to[0] - from[0]) * t;
      pixels[offset + 1] = from[1] + (to[1] - from[1]) * t;
      pixels[offset + 2] = from[2] + (to[2] - from[2]) * t;
    }
  }
}

function blend(pixels: Uint8Array, offset: number, colour: Rgb, alpha: number): void {
  pixels[offset] += (colour[0] - pixels[offset]) * alpha;
  pixels[offset + 1] += (colour[1] - pixels[offset + 1]) * alpha;
  pixels[offset + 2] += (colour[2] - pixels[offset + 2]) * alpha;
}

function drawCircle(
  pixels: Uint8Array, width: number, height: number,
  cx: number, cy: number, radius: number, colour: Rgb, alpha: number,
): void {
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius));
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const distance = Math.hypot(x - cx, y - cy);
      // A one-pixel soft edge avoids jagged circles.
      const coverage = Math.min(1, Math.max(0, radius - distance));
      if (coverage > 0) blend(pixels, (y * width + x) * 3, colour, alpha * coverage);
    }
  }
}

function drawRect(
  pixels: Uint8Array, width: number, height: number,
  left: number, top: number, w: number, h: number, colour: Rgb, alpha: number,
): void {
  const x0 = Math.max(0, Math.floor(left));
  const x1 = Math.min(width - 1, Math.ceil(left + w));
  const y0 = Math.max(0, Math.floor(top));
  const y1 = Math.min(height - 1, Math.ceil(top + h));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) blend(pixels, (y * width + x) * 3, colour, alpha);
  }
}

/** HSL (h in degrees, s and l in 0..1) to 0..255 RGB. */
function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}
