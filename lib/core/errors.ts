// Error classes. ApiError/ValidationError match @fal-ai/client (names, fields, instanceof);
// TransportError is fal-native's error for a request that never got an HTTP response.
import type { ValidationErrorInfo } from "../../types/common";

type ApiErrorArgs = {
  message: string;
  status: number;
  body?: any;
  requestId?: string;
  /** "user" when the server's start timeout (x-fal-request-timeout) fired. */
  timeoutType?: string;
};

export class ApiError<Body> extends Error {
  readonly status: number;
  readonly body: Body;
  readonly requestId: string;
  readonly timeoutType?: string;

  constructor({ message, status, body, requestId, timeoutType }: ApiErrorArgs) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.requestId = requestId || "";
    this.timeoutType = timeoutType;
  }

  /** A 504 caused by the user's own startTimeout; never retried. */
  get isUserTimeout(): boolean {
    return this.status === 504 && this.timeoutType === "user";
  }
}

type ValidationErrorBody = {
  detail: ValidationErrorInfo[];
};

export class ValidationError extends ApiError<ValidationErrorBody> {
  constructor(args: ApiErrorArgs) {
    super(args);
    this.name = "ValidationError";
  }

  get fieldErrors(): ValidationErrorInfo[] {
    // Pydantic bodies carry a list; some custom 422s carry a plain string.
    const detail = (this.body as any)?.detail;
    if (typeof detail === "string") {
      return [{ loc: ["body"], msg: detail, type: "value_error" }];
    }
    return detail || [];
  }

  getFieldErrors(field: string): ValidationErrorInfo[] {
    return this.fieldErrors.filter((error) => error.loc[error.loc.length - 1] === field);
  }
}

/**
 * A request that failed below HTTP (connection refused, DNS, TLS, reset...) after the native
 * engine's retries. `code` is Node-style (ECONNREFUSED, ...); `cause` is an Error with the same
 * `code`, shaped like undici's `fetch failed` cause so code walking the cause chain (including
 * isRetryableError) sees it.
 */
export class TransportError extends Error {
  readonly code: string;
  readonly url: string;
  readonly attempts: number;
  /** libcurl's CURLcode, for diagnostics. */
  readonly curlCode: number;

  constructor(args: { method: string; url: string; code: string; message: string; curlCode: number; attempts: number }) {
    // The engine's message usually names the request already ("GET <url> failed: ...").
    const tries = args.attempts > 1 ? ` after ${args.attempts} attempts` : "";
    const what = args.message.includes(args.url) ? args.message : `${args.method} ${args.url} failed${tries}: ${args.message}`;
    super(`fal-native: ${what} (${args.code})`, {
      cause: Object.assign(new Error(args.message), { code: args.code, curlCode: args.curlCode }),
    });
    this.name = "TransportError";
    this.code = args.code;
    this.url = args.url;
    this.attempts = args.attempts;
    this.curlCode = args.curlCode;
  }
}
