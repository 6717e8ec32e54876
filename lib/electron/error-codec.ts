// Errors across IPC. Electron's invoke keeps only the message of a thrown error (and prefixes it
// with "Error invoking remote method ..."), so the main side never throws: it replies with the
// error as plain data and the renderer rebuilds the same class, fields included.
// Free of the native addon: lib/core/errors.ts holds only the error classes.
import { ApiError, TransportError, ValidationError } from "../core/errors";
import type { SerializedError } from "./protocol";

/** Error codes of fal-native/electron's own refusals (set on the rebuilt error's `code`). */
export const IPC_ERROR_CODES = {
  /** The renderer tried to set an option that belongs to the main process (credentials, ...). */
  forbiddenOption: "FAL_IPC_FORBIDDEN_OPTION",
  /** allowEndpoint / allowUpload said no. */
  denied: "FAL_IPC_DENIED",
  /** The request was malformed (wrong types, unknown method, paths for upload...). */
  badRequest: "FAL_IPC_BAD_REQUEST",
  /** The handler was unregistered or the main process could not run the call. */
  unavailable: "FAL_IPC_UNAVAILABLE",
} as const;

const OPTIONAL_STRING_FIELDS = ["requestId", "timeoutType", "code", "url"] as const;
const OPTIONAL_NUMBER_FIELDS = ["status", "attempts", "curlCode"] as const;

/** Main side: any thrown value -> plain data (only known fields; never the stack of main). */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error) && !isErrorLike(error)) {
    return { name: "Error", message: String(error) };
  }
  const source = error as unknown as Record<string, unknown>;
  const out: SerializedError = {
    name: typeof source.name === "string" ? source.name : "Error",
    message: typeof source.message === "string" ? source.message : String(error),
  };
  for (const key of OPTIONAL_STRING_FIELDS) {
    if (typeof source[key] === "string") out[key] = source[key] as string;
  }
  for (const key of OPTIONAL_NUMBER_FIELDS) {
    if (typeof source[key] === "number") out[key] = source[key] as number;
  }
  if ("body" in source && source.body !== undefined) out.body = cloneableBody(source.body);
  const cause = source.cause as Record<string, unknown> | undefined;
  if (cause && typeof cause === "object" && typeof cause.message === "string") {
    out.cause = { message: cause.message, ...(typeof cause.code === "string" ? { code: cause.code } : {}) };
  }
  return out;
}

function isErrorLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as Error).message === "string";
}

/** Response bodies are JSON or text already; anything else is reduced to text so IPC never throws. */
function cloneableBody(body: unknown): unknown {
  if (body === null || ["string", "number", "boolean"].includes(typeof body)) return body;
  try {
    return JSON.parse(JSON.stringify(body));
  } catch {
    return String(body);
  }
}

/** Renderer side: plain data -> the same class as in main (ApiError, ValidationError, ...). */
export function rebuildError(data: SerializedError): Error {
  const error = instantiate(data);
  // The constructors may decorate the message (TransportError does); keep main's exact text.
  if (error.message !== data.message) {
    Object.defineProperty(error, "message", { value: data.message, writable: true, configurable: true, enumerable: false });
  }
  if (data.code !== undefined && (error as { code?: string }).code === undefined) {
    Object.defineProperty(error, "code", { value: data.code, writable: true, configurable: true, enumerable: true });
  }
  return error;
}

function instantiate(data: SerializedError): Error {
  const apiArgs = { message: data.message, status: data.status ?? 0, body: data.body, requestId: data.requestId, timeoutType: data.timeoutType };
  switch (data.name) {
    case "ValidationError":
      return new ValidationError(apiArgs);
    case "ApiError":
      return new ApiError(apiArgs);
    case "TransportError":
      return new TransportError({
        method: "",
        url: data.url ?? "",
        code: data.code ?? data.cause?.code ?? "EIO",
        message: data.cause?.message ?? data.message,
        curlCode: data.curlCode ?? 0,
        attempts: data.attempts ?? 1,
      });
    case "TypeError":
      return new TypeError(data.message);
    case "RangeError":
      return new RangeError(data.message);
    case "AbortError":
    case "TimeoutError":
      if (typeof DOMException === "function") return new DOMException(data.message, data.name);
      return Object.assign(new Error(data.message), { name: data.name });
    default: {
      const error = new Error(data.message);
      if (data.name !== "Error") error.name = data.name;
      return error;
    }
  }
}
