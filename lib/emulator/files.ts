// The emulator's CDN storage: everything served under <url>/cdn/files/<name>.
//
// Generated images are stored as recipes and rendered on first download, then cached (bounded).
// Most benchmark runs never download the pictures, and JPEG encoding in JS costs tens of
// milliseconds of event-loop time, so rendering eagerly would distort what they measure. Because
// rendering is deterministic, lazy and eager give the same bytes.
//
// Uploaded bytes (storage routes) go through putUpload and are kept as the list of chunks they
// arrived in: a 1 GiB upload is never copied into one Buffer unless a test asks for `bytes`.

import { createHash } from "node:crypto";
import { CONTENT_TYPES, FILE_EXTENSIONS, renderImage, type ImageRecipe } from "./images";

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
}

/** An uploaded file: its chunks in order plus what the initiate call said about it. */
export interface UploadedFile {
  chunks: Buffer[];
  size: number;
  contentType: string;
  fileName: string;
  /** Parsed X-Fal-Object-Lifecycle of the initiate call, undefined when it had none. */
  lifecycle: unknown;
}

const MAX_RECIPES = 200_000;
const MAX_CACHED_RENDER_BYTES = 64 * 1024 * 1024;

export class FileStore {
  private readonly recipes = new Map<string, ImageRecipe>();
  /** Rendered bytes of recipes, in least-recently-used order (Map iteration order). */
  private readonly renderCache = new Map<string, Buffer>();
  private renderCacheBytes = 0;
  private readonly uploads = new Map<string, UploadedFile>();

  /**
   * Register a generated image and return its file name. The name is a hash of the recipe, so
   * the same seed, prompt, size and format always give the same URL and bytes.
   */
  addGenerated(recipe: ImageRecipe): string {
    const digest = createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 24);
    const name = `${digest}.${FILE_EXTENSIONS[recipe.format]}`;
    if (!this.recipes.has(name)) {
      this.recipes.set(name, recipe);
      if (this.recipes.size > MAX_RECIPES) this.forgetOldestRecipe();
    }
    return name;
  }

  /** Store (or replace, as a re-PUT to a presigned URL does) an uploaded file under a name. */
  putUpload(name: string, file: UploadedFile): void {
    this.uploads.set(name, file);
  }

  getUpload(name: string): UploadedFile | undefined {
    return this.uploads.get(name);
  }

  /** Drop everything (emulator close), so a 1 GiB upload does not outlive its emulator. */
  clear(): void {
    this.uploads.clear();
    this.recipes.clear();
    this.renderCache.clear();
    this.renderCacheBytes = 0;
  }

  get(name: string): StoredFile | undefined {
    const upload = this.uploads.get(name);
    if (upload) return { bytes: Buffer.concat(upload.chunks, upload.size), contentType: upload.contentType };
    const recipe = this.recipes.get(name);
    if (!recipe) return undefined;
    return { bytes: this.rendered(name, recipe), contentType: CONTENT_TYPES[recipe.format] };
  }

  private rendered(name: string, recipe: ImageRecipe): Buffer {
    const cached = this.renderCache.get(name);
    if (cached) {
      this.renderCache.delete(name); // re-insert to mark as most recently used
      this.renderCache.set(name, cached);
      return cached;
    }
    const bytes = renderImage(recipe);
    this.renderCache.set(name, bytes);
    this.renderCacheBytes += bytes.length;
    for (const [oldName, oldBytes] of this.renderCache) {
      if (this.renderCacheBytes <= MAX_CACHED_RENDER_BYTES || oldName === name) break;
      this.renderCache.delete(oldName);
      this.renderCacheBytes -= oldBytes.length;
    }
    return bytes;
  }

  private forgetOldestRecipe(): void {
    const oldest = this.recipes.keys().next().value;
    if (oldest === undefined) return;
    this.recipes.delete(oldest);
    const cached = this.renderCache.get(oldest);
    if (cached) {
      this.renderCache.delete(oldest);
      this.renderCacheBytes -= cached.length;
    }
  }
}
