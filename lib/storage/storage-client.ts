// fal.storage: upload (lib/storage/upload.ts), transformInput (lib/storage/transform-input.ts) and fal-native's
// download helpers (lib/storage/download.ts), bound to one client's config and native engine.
import type { DownloadedFile, DownloadOptions, StorageClient } from "../../types/storage";
import { download, findResultMedia } from "./download";
import { transformInput } from "./transform-input";
import type { CallContext } from "../core/transport";
import { upload } from "./upload";

export function createStorageClient(ctx: CallContext): StorageClient {
  const storage: StorageClient = {
    upload: (file, options) => upload(ctx, file, options),
    transformInput: (input) => transformInput(input, (file) => upload(ctx, file)),
    download: ((urls: string | string[], options?: DownloadOptions) => download(ctx, urls, options)) as StorageClient["download"],
    downloadResultMedia: async (data, options) => {
      const urls = findResultMedia(data);
      if (urls.length === 0) return [];
      return download(ctx, urls, options) as Promise<DownloadedFile[]>;
    },
  };
  return storage;
}
