// Main side: a renderer's CallRequest is untrusted input. This checks its shape and refuses
// every option that would let a renderer touch credentials or redirect the key elsewhere.
import {
  ALLOWED_OPTIONS,
  CALL_METHODS,
  CALLBACK_NAMES,
  FORBIDDEN_HEADERS,
  MAIN_ONLY_OPTIONS,
  isPlainObject,
  type CallbackName,
  type CallMethod,
} from "./protocol";
import { IPC_ERROR_CODES } from "./error-codec";
import { isHttpToken } from "../core/headers";

export type CheckedCall = {
  callId: string;
  method: CallMethod;
  endpointId: string | undefined;
  options: Record<string, unknown>;
  callbacks: CallbackName[];
  file: unknown;
};

const MAX_ENDPOINT_ID_LENGTH = 1000;

export function ipcError(code: string, message: string, asTypeError = false): Error {
  const error = asTypeError ? new TypeError(message) : new Error(message);
  return Object.assign(error, { code });
}

const badRequest = (message: string) => ipcError(IPC_ERROR_CODES.badRequest, `fal-native/electron: ${message}`, true);

export function checkCallRequest(request: unknown): CheckedCall {
  if (!isPlainObject(request)) throw badRequest("the request must be an object");
  const { callId, method, endpointId, options = {}, callbacks = [], file } = request;
  if (typeof callId !== "string" || callId.length === 0 || callId.length > 100) {
    throw badRequest("callId must be a non-empty string of at most 100 characters");
  }
  if (typeof method !== "string" || !(CALL_METHODS as readonly string[]).includes(method)) {
    throw badRequest(`method must be one of ${CALL_METHODS.join(", ")}, got ${JSON.stringify(method)}`);
  }
  const call = method as CallMethod;
  const needsEndpoint = call !== "storage.upload";
  if (needsEndpoint) checkEndpointId(call, endpointId);
  if (!isPlainObject(options)) throw badRequest(`${call}: options must be an object`);
  checkOptions(call, options);
  return {
    callId,
    method: call,
    endpointId: needsEndpoint ? (endpointId as string) : undefined,
    options,
    callbacks: checkCallbacks(call, callbacks),
    file,
  };
}

function checkEndpointId(method: CallMethod, endpointId: unknown): void {
  if (typeof endpointId !== "string" || endpointId.length === 0 || endpointId.length > MAX_ENDPOINT_ID_LENGTH) {
    throw badRequest(`${method}: endpointId must be a non-empty string like "fal-ai/flux/dev"`);
  }
  // An absolute URL would choose the host that receives the key; only ids are taken from renderers.
  if (/^[a-z][a-z0-9+.-]*:/i.test(endpointId) || endpointId.startsWith("/")) {
    throw badRequest(`${method}: endpointId must be an endpoint id like "fal-ai/flux/dev", not a URL (got ${JSON.stringify(endpointId.slice(0, 80))})`);
  }
}

function checkOptions(method: CallMethod, options: Record<string, unknown>): void {
  const allowed = ALLOWED_OPTIONS[method];
  for (const key of Object.keys(options)) {
    if (MAIN_ONLY_OPTIONS.includes(key)) {
      throw ipcError(
        IPC_ERROR_CODES.forbiddenOption,
        `fal-native/electron: options.${key} cannot be set from a renderer. Credentials, proxyUrl, baseUrls, ` +
          "middleware and retry are configured in the main process (registerFalIpc({ config }) or { client }).",
        true,
      );
    }
    if (!allowed.includes(key) || (CALLBACK_NAMES as readonly string[]).includes(key)) {
      const plain = allowed.filter((name) => !(CALLBACK_NAMES as readonly string[]).includes(name));
      throw badRequest(`${method}: options.${key} is not accepted over IPC (accepted: ${plain.join(", ") || "none"}, plus abort signals)`);
    }
  }
  if (options.headers !== undefined) checkHeaders(method, options.headers);
  // The HTTP method ends up on the request line: only RFC 9110 tokens (the rule every request obeys).
  if (typeof options.method === "string" && !isHttpToken(options.method)) {
    throw badRequest(`${method}: options.method must be an HTTP method token such as "post" or "get"`);
  }
}

function checkHeaders(method: CallMethod, headers: unknown): void {
  if (!isPlainObject(headers)) throw badRequest(`${method}: options.headers must be an object of strings`);
  for (const [name, value] of Object.entries(headers)) {
    if (FORBIDDEN_HEADERS.includes(name.toLowerCase())) {
      throw ipcError(
        IPC_ERROR_CODES.forbiddenOption,
        `fal-native/electron: options.headers.${name} cannot be set from a renderer (credentials are added by the main process)`,
        true,
      );
    }
    if (value !== undefined && typeof value !== "string") {
      throw badRequest(`${method}: options.headers.${name} must be a string`);
    }
  }
}

function checkCallbacks(method: CallMethod, callbacks: unknown): CallbackName[] {
  if (!Array.isArray(callbacks)) throw badRequest(`${method}: callbacks must be an array of names`);
  const allowed = ALLOWED_OPTIONS[method];
  for (const name of callbacks) {
    const isCallback = (CALLBACK_NAMES as readonly string[]).includes(name);
    if (!isCallback || !allowed.includes(name)) {
      throw badRequest(`${method}: callback ${JSON.stringify(name)} is not available for this call`);
    }
  }
  return [...new Set(callbacks as CallbackName[])];
}
