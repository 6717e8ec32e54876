// What a decoded realtime message means (wire doc 10.3): a result, one of the service's control
// messages, or an error to report.
import { ApiError } from "../core/errors";

export type Incoming =
  | { kind: "result"; value: unknown }
  | { kind: "unauthorized"; value: Record<string, unknown> }
  | { kind: "error"; error: ApiError<any> }
  | { kind: "ignored" };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function classify(message: unknown): Incoming {
  if (!isRecord(message)) return { kind: "result", value: message };
  if (message.status === "error" && message.error === "Unauthorized") return { kind: "unauthorized", value: message };
  if (message.type === "x-fal-error") {
    // TIMEOUT only says the session idled out; the service closes cleanly right after.
    if (message.error === "TIMEOUT") return { kind: "ignored" };
    return {
      kind: "error",
      error: new ApiError({ message: `${String(message.error)}: ${String(message.reason)}`, status: 400, body: message }),
    };
  }
  // Timings and other service notes, and error statuses the protocol does not define.
  if (message.type === "x-fal-message" || message.status === "error") return { kind: "ignored" };
  return { kind: "result", value: message };
}
