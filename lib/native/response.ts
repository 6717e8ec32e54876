// Turning a NativeResponse into what the official defaultResponseHandler would produce: decoded
// data for 2xx, ApiError/ValidationError otherwise. Also builds a web Response for custom handlers.
import { STATUS_CODES } from "http";
import type { NativeResponse } from "./binding";
import { ApiError, ValidationError } from "../core/errors";

export function isOk(response: NativeResponse): boolean {
  return response.status >= 200 && response.status <= 299;
}

/** The reason phrase; HTTP/2 has none on the wire, so fall back to the standard one. */
export function statusTextOf(response: NativeResponse): string {
  return response.statusText || STATUS_CODES[response.status] || "";
}

export function bodyText(response: NativeResponse): string {
  return typeof response.body === "string" ? response.body : Buffer.from(response.body).toString("utf8");
}

function bodyArrayBuffer(response: NativeResponse): ArrayBuffer {
  const bytes = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Whether a body is JSON: the native side's one rule (its content type contains
 * "application/json", case-insensitive, as the official client decides), carried by bodyIsJson.
 */
const isJson = (response: NativeResponse) => response.bodyIsJson === true;

/** A 2xx JSON body that does not parse: an ApiError that says so, with the raw text as body. */
function malformedJson(response: NativeResponse, reason: string): ApiError<string> {
  return new ApiError({
    message: `fal-native: malformed JSON from ${response.url}: ${reason}`,
    status: response.status,
    body: bodyText(response),
    requestId: response.requestId || undefined,
    timeoutType: response.timeoutType || undefined,
  });
}

/** JSON.parse as fetch's response.json() does it: a leading byte-order mark is not part of the text. */
export function parseJsonText(text: string): any {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function parseJson(response: NativeResponse): { ok: true; value: any } | { ok: false; reason: string } {
  if (response.jsonError) return { ok: false, reason: response.jsonError };
  try {
    return { ok: true, value: parseJsonText(bodyText(response)) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** The error a non-2xx response becomes (official rules: 422 JSON -> ValidationError). */
export function errorFromResponse(response: NativeResponse): ApiError<any> {
  const { status } = response;
  const statusText = statusTextOf(response);
  const common = {
    status,
    requestId: response.requestId || undefined,
    timeoutType: response.timeoutType || undefined,
  };
  if (isJson(response)) {
    const parsed = parseJson(response);
    if (parsed.ok) {
      const ErrorType = status === 422 ? ValidationError : ApiError;
      const message = (parsed.value && parsed.value.message) || statusText;
      return new ErrorType({ ...common, message: String(message), body: parsed.value });
    }
    // The official client would surface a SyntaxError here; keep the HTTP error and the raw text.
    return new ApiError({ ...common, message: `HTTP ${status}: ${statusText}`, body: bodyText(response) });
  }
  return new ApiError({ ...common, message: `HTTP ${status}: ${statusText}` });
}

/**
 * Decoded body of a 2xx response, by content type: JSON -> parsed, text/html and unknown types ->
 * string, application/octet-stream -> ArrayBuffer. Non-2xx throws (see errorFromResponse).
 */
export function decodeResponse(response: NativeResponse): unknown {
  if (!isOk(response)) throw errorFromResponse(response);
  // Set natively for JSON that failed validation, and for a queue answer that is not JSON at all.
  if (response.jsonError) throw malformedJson(response, response.jsonError);
  if (isJson(response)) {
    const parsed = parseJson(response);
    if (!parsed.ok) throw malformedJson(response, parsed.reason);
    return parsed.value;
  }
  if (response.contentType.includes("application/octet-stream")) return bodyArrayBuffer(response);
  return bodyText(response);
}

// Statuses whose Response must have a null body (the Response constructor enforces it).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A web Response for a user's responseHandler; only built when one is configured. */
export function toWebResponse(response: NativeResponse): Response {
  const headers = new Headers();
  for (const line of response.headers.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue; // status line or blank
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch {
      // a header the fetch spec refuses; the handler can live without it
    }
  }
  if (response.contentType && !headers.has("content-type")) headers.set("content-type", response.contentType);
  const body: BodyInit | null = NULL_BODY_STATUSES.has(response.status)
    ? null
    : typeof response.body === "string"
      ? response.body
      : new Uint8Array(response.body.buffer as ArrayBuffer, response.body.byteOffset, response.body.byteLength);
  let web: Response;
  try {
    web = new Response(body, { status: response.status, statusText: statusTextOf(response), headers });
  } catch {
    web = new Response(body, { status: response.status, headers }); // reason phrase the spec rejects
  }
  // Response.url cannot be set through the constructor; handlers may read it.
  Object.defineProperty(web, "url", { value: response.url, enumerable: true });
  return web;
}
