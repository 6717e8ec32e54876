// fal-native's download helper (the official client has none): URLs to files (written natively,
// temp + rename) or Buffers, at most 4 at a time, with content-type and size checks. fal CDN URLs
// are fetched through the CDN override when one is set (lib/core/urls.ts cdnRequestUrl).
import * as fs from "fs";
import * as path from "path";
import type { DownloadedFile, DownloadOptions } from "../../types/storage";
import { createLimiter } from "../core/limit";
import { Deadline } from "../native/deadline";
import { settleRecord, type HttpResponse } from "../native/settle";
import { requestSpec } from "../native/spec";
import { CLIENT_RETRY, mergeRetry } from "../core/retry";
import type { CallContext } from "../core/transport";
import { cdnRequestUrl } from "../core/urls";
import { checkCallTimeout } from "../api/validate";

export const DOWNLOAD_CONCURRENCY = 4;

function checkUrl(url: unknown): string {
  let ok = false;
  try {
    const protocol = new URL(url as string).protocol;
    ok = typeof url === "string" && (protocol === "http:" || protocol === "https:");
  } catch {
    ok = false;
  }
  if (!ok) throw new TypeError(`fal-native: storage.download expects absolute http(s) URLs, got ${JSON.stringify(url)}`);
  return url as string;
}

/** The last path segment of the URL (decoded), else `download-<n>`. */
function fileNameFor(url: string, index: number): string {
  const last = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  const safe = last.replace(/[\\/\0]/g, "_");
  return safe && safe !== "." && safe !== ".." ? safe : `download-${index + 1}`;
}

/** `to` names a directory when it exists as one, ends with a separator, or several URLs are given. */
async function targets(urls: string[], to: string, many: boolean): Promise<string[]> {
  const stat = await fs.promises.stat(to).catch(() => undefined);
  const isDir = stat?.isDirectory() || /[\\/]$/.test(to) || many;
  if (isDir) {
    await fs.promises.mkdir(to, { recursive: true });
    const seen = new Map<string, number>();
    return urls.map((url, i) => {
      let name = fileNameFor(url, i);
      const count = seen.get(name) ?? 0;
      seen.set(name, count + 1);
      if (count > 0) {
        const ext = path.extname(name);
        name = `${name.slice(0, name.length - ext.length)}-${count}${ext}`;
      }
      return path.resolve(to, name);
    });
  }
  await fs.promises.mkdir(path.dirname(path.resolve(to)), { recursive: true });
  return [path.resolve(to)];
}

function contentTypeMatches(actual: string, expected: string | RegExp): boolean {
  return typeof expected === "string" ? actual.toLowerCase().startsWith(expected.toLowerCase()) : expected.test(actual);
}

export async function download(ctx: CallContext, input: string | string[], options: DownloadOptions = {}): Promise<DownloadedFile | DownloadedFile[]> {
  const many = Array.isArray(input);
  const urls = (many ? input : [input]).map(checkUrl);
  // Where each URL is fetched from: fal CDN URLs follow the CDN override (read once per call, so a
  // bad FAL_CDN_URL fails before any file is touched). Results keep the caller's URL.
  const fetchUrls = urls.map((url) => cdnRequestUrl(url, ctx.config.baseUrls));
  const { maxBytes, expectContentType, signal } = options;
  if (maxBytes !== undefined && (typeof maxBytes !== "number" || !(maxBytes >= 0))) {
    throw new TypeError(`fal-native: storage.download maxBytes must be a non-negative number, got ${JSON.stringify(maxBytes)}`);
  }
  const timeout = checkCallTimeout("fal.storage.download", options.callTimeout) ?? ctx.config.callTimeout;
  const paths = options.to !== undefined ? await targets(urls, options.to, many) : undefined;
  const limit = createLimiter(DOWNLOAD_CONCURRENCY);
  const received = new Map<number, number>();
  const totals = new Map<number, number>();
  const report = () => {
    if (!options.onProgress) return;
    let sum = 0;
    let total = 0;
    for (const v of received.values()) sum += v;
    for (const v of totals.values()) total += v;
    options.onProgress(sum, totals.size === urls.length ? total : undefined);
  };

  const one = async (url: string, index: number): Promise<DownloadedFile> => {
    const to = paths?.[index];
    const from = fetchUrls[index];
    const spec = requestSpec({
      method: "GET",
      url: from,
      // Media URLs are public: never send the fal key to them (nor to a CDN override).
      headers: { Accept: "*/*" },
      ...(to ? { downloadTo: to } : {}),
      progress: options.onProgress !== undefined || maxBytes !== undefined,
      retry: mergeRetry(CLIENT_RETRY, ctx.config.retry),
    });
    const tooBig = (size: number) => new Error(`fal-native: download of ${url} exceeds maxBytes (${size} > ${maxBytes} bytes)`);
    const call = { api: "fal.storage.download", method: "GET", url: from };
    const record = await deadline.request(ctx.engine, spec, call, signal, (p) => {
      if (maxBytes !== undefined && (p.receiveTotal > maxBytes || p.received > maxBytes)) {
        throw tooBig(Math.max(p.receiveTotal, p.received)); // cancels the transfer
      }
      received.set(index, p.received);
      if (p.receiveTotal > 0) totals.set(index, p.receiveTotal);
      report();
    });
    const response = settleRecord(record, call, { kind: "response" }) as HttpResponse;
    const contentType = response.contentType;
    const discard = async () => {
      if (to) await fs.promises.rm(to, { force: true });
    };
    if (expectContentType !== undefined && !contentTypeMatches(contentType, expectContentType)) {
      await discard();
      throw new Error(`fal-native: download of ${url} has content type ${JSON.stringify(contentType)}, expected ${String(expectContentType)}`);
    }
    if (to) {
      const size = (await fs.promises.stat(to)).size;
      if (maxBytes !== undefined && size > maxBytes) {
        await discard();
        throw tooBig(size);
      }
      return { url, path: to, contentType, size };
    }
    const bytes = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : Buffer.from(response.body);
    if (maxBytes !== undefined && bytes.length > maxBytes) throw tooBig(bytes.length);
    return { url, bytes, contentType, size: bytes.length };
  };

  const deadline = new Deadline(timeout, { api: "fal.storage.download", method: "GET", url: fetchUrls[0] ?? "" });
  const results = await Promise.all(urls.map((url, i) => limit(() => one(url, i))));
  return many ? results : results[0];
}

const MEDIA_TYPE = /^(image|video|audio)\//i;

/** Media URLs of a result: `{url, content_type: image|video|audio/*}` objects and `images[]` entries. */
export function findResultMedia(data: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, inImages: boolean, depth: number) => {
    if (depth > 64 || value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, inImages, depth + 1);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.url === "string" && /^https?:/i.test(record.url)) {
      const type = typeof record.content_type === "string" ? record.content_type : "";
      if (inImages || MEDIA_TYPE.test(type)) found.add(record.url);
    }
    for (const [key, child] of Object.entries(record)) walk(child, key === "images", depth + 1);
  };
  walk(data, false, 0);
  return [...found];
}
