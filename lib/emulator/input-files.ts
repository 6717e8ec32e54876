// Input file URLs (issue 12 item 5). A fal app downloads the files its input names before it
// works on them, and answers 422 `file_download_error` for one it cannot get:
//
//   {"detail":[{"loc":["body","image_url"],"msg":"Failed to download the file. Please check if the URL is accessible.",
//               "type":"file_download_error","input":"<the url>","url":"https://docs.fal.ai/errors#file_download_error"}]}
//
// The emulator checks the URL-valued inputs (fields named `*_url`/`*_urls`, and catalogue fields
// the type map declares as `string | Blob | File`) after validation, according to the
// `fetchInputUrls` option:
//   "local" (default)  URLs on the emulator itself (its /cdn/files/...: generated files and
//                      finished uploads) must exist; other hosts are accepted without fetching;
//   "all"              remote http(s) URLs are fetched too (GET, 10 s timeout, any 2xx is fine);
//   "none"             nothing is checked.
// Data URIs must be well-formed (`data:[<type>][;base64],<data>`).

import type { FileStore } from "./files";
import type { JsonSchema } from "./catalogue/types";
import { deref } from "./catalogue/types";
import type { ModelSpec } from "./schema";
import type { Loc, ValidationIssue } from "./validate";

export type FetchInputUrls = "local" | "all" | "none";

const MESSAGE = "Failed to download the file. Please check if the URL is accessible.";
const REMOTE_TIMEOUT_MS = 10_000;

interface UrlInput {
  loc: Loc;
  url: string;
}

/** Every URL-valued input with its location, in input order. */
export function urlInputs(model: ModelSpec, input: Record<string, unknown>): UrlInput[] {
  const found: UrlInput[] = [];
  const defs = model.catalogue?.definitions ?? {};
  const visit = (value: unknown, loc: Loc, byName: boolean, schema: JsonSchema | undefined): void => {
    const node = schema ? deref(schema, defs) : undefined;
    const isFile = byName || node?.["x-fal-file"] === true;
    if (typeof value === "string") {
      if (isFile && /^(https?:|data:)/i.test(value)) found.push({ loc, url: value });
      return;
    }
    if (Array.isArray(value)) {
      const items = node?.items;
      value.forEach((item, index) => visit(item, [...loc, index], byName, items));
      return;
    }
    if (value && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        visit(child, [...loc, key], /_urls?$/.test(key), node?.properties?.[key]);
      }
    }
  };
  for (const [key, value] of Object.entries(input)) {
    const spec = model.input[key];
    visit(value, ["body", key], /_urls?$/.test(key), spec?.type === "json" ? spec.schema : undefined);
  }
  return found;
}

export interface InputFileDeps {
  files: FileStore;
  mode: FetchInputUrls;
  /** The emulator's own origin as the client addressed it (job.origin). */
  origin: string;
}

/** The file_download_error issues for the inputs that cannot be fetched (empty when all are fine). */
export async function checkInputFiles(model: ModelSpec, input: Record<string, unknown>, deps: InputFileDeps): Promise<ValidationIssue[]> {
  if (deps.mode === "none") return [];
  const issues: ValidationIssue[] = [];
  for (const { loc, url } of urlInputs(model, input)) {
    if (!(await reachable(url, deps))) {
      issues.push({ loc, msg: MESSAGE, type: "file_download_error", input: url, url: "https://docs.fal.ai/errors#file_download_error" } as ValidationIssue);
    }
  }
  return issues;
}

async function reachable(url: string, deps: InputFileDeps): Promise<boolean> {
  if (/^data:/i.test(url)) return /^data:[^,]*,/i.test(url) && (!/;base64,/i.test(url) || /^[A-Za-z0-9+/=\s]*$/.test(url.slice(url.indexOf(",") + 1)));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (isLocal(parsed, deps.origin)) return localFileExists(parsed, deps.files);
  if (deps.mode !== "all") return true;
  try {
    const response = await fetch(parsed, { signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS), redirect: "follow" });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** The emulator's own host: the same host:port as its origin, or a loopback name on its port. */
function isLocal(url: URL, origin: string): boolean {
  let own: URL;
  try {
    own = new URL(origin);
  } catch {
    return false;
  }
  const port = (u: URL) => u.port || (u.protocol === "https:" ? "443" : "80");
  if (port(url) !== port(own)) return false;
  return url.hostname === own.hostname || (LOOPBACK.has(url.hostname) && LOOPBACK.has(own.hostname));
}

function localFileExists(url: URL, files: FileStore): boolean {
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (segments[0] !== "cdn" || segments[1] !== "files" || segments.length < 3) return false;
  let name: string;
  try {
    name = segments.slice(2).map(decodeURIComponent).join("/");
  } catch {
    return false;
  }
  return files.getUpload(name) !== undefined || files.get(name) !== undefined;
}
