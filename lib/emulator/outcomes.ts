// Every way a request can end, as (HTTP response to replay, status error info).
//
// Bodies and headers follow the wire doc §5.5 and §7.1. fal documents no exact `error` /
// `error_type` strings for model-level failures (422, 500), so those below are the emulator's
// choice; infrastructure errors use fal's documented error_type values, the same string in the
// body and in the X-Fal-Error-Type header.

import type { Outcome } from "./types";
import type { ValidationIssue } from "./validate";

export function success(body: unknown): Outcome {
  return { response: { status: 200, body, headers: {} } };
}

/** The app rejected its input (pydantic 422). */
export function validationFailed(issues: ValidationIssue[]): Outcome {
  const summary = issues.map((issue) => `${issue.loc.slice(1).join(".") || "body"}: ${issue.msg}`).join("; ");
  return {
    response: { status: 422, body: { detail: issues }, headers: { "x-fal-billable-units": "0" } },
    failure: { error: `Unprocessable Entity: ${summary}`, errorType: "validation_error" },
  };
}

/** The model ran, then refused its output (scenario fail-422). */
export function contentPolicyViolation(prompt: unknown): Outcome {
  const msg = "The content could not be processed because it contained material flagged by a content checker.";
  return {
    response: {
      status: 422,
      body: {
        detail: [
          {
            loc: ["body", "prompt"],
            msg,
            type: "content_policy_violation",
            input: typeof prompt === "string" ? prompt : null,
            url: "https://docs.fal.ai/errors#content_policy_violation",
          },
        ],
      },
      headers: {},
    },
    failure: { error: `Unprocessable Entity: ${msg}`, errorType: "content_policy_violation" },
  };
}

/** An unhandled exception inside the app (scenario fail-500); the fal SDK answers with this body. */
export function internalServerError(): Outcome {
  return {
    response: { status: 500, body: { detail: "Internal Server Error" }, headers: {} },
    failure: { error: "Internal Server Error", errorType: "internal_error" },
  };
}

function infrastructureError(status: number, detail: string, errorType: string, headers: Record<string, string> = {}): Outcome {
  return {
    response: {
      status,
      body: { detail, error_type: errorType },
      headers: { "x-fal-error-type": errorType, ...headers },
    },
    failure: { error: detail, errorType },
  };
}

/** The runner went away mid-request (scenario fail-503). */
export function runnerDisconnected(): Outcome {
  return infrastructureError(503, "Runner disconnected", "runner_disconnected");
}

/** x-fal-request-timeout expired before a runner picked the request up. */
export function startTimeout(): Outcome {
  return infrastructureError(504, "Request timed out", "request_timeout", { "x-fal-request-timeout-type": "user" });
}

/** Cancelled by the client, either while queued or honoured by the app while running. */
export function cancelled(): Outcome {
  return {
    response: { status: 499, body: { detail: "Request cancelled by the client." }, headers: {} },
    failure: { error: "Request cancelled", errorType: "client_cancelled" },
  };
}
