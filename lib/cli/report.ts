// Turns any failure into an exit code and a few lines for stderr: one clear line first, then
// details (validation errors, request id). Stack traces only with --verbose.
import { ApiError, TransportError, ValidationError } from "../index";
import { CliTimeout, EXIT, Interrupted, UsageError } from "./exit-codes";

export interface FailureReport {
  code: number;
  lines: string[];
}

const PREFIX = "fal-native: ";

export function reportFailure(error: unknown, { verbose, abortReason }: { verbose: boolean; abortReason?: unknown }): FailureReport {
  // After an abort the library rejects with the signal's reason; trust the reason we set.
  const cause = abortReason instanceof Interrupted || abortReason instanceof CliTimeout ? abortReason : error;
  const report = classify(cause);
  if (verbose && cause instanceof Error && cause.stack && !(cause instanceof UsageError)) {
    report.lines.push(...cause.stack.split("\n").map((line) => `  ${line}`));
  }
  if (verbose && cause instanceof ApiError && cause.body !== undefined) {
    report.lines.push(`  body: ${typeof cause.body === "string" ? cause.body : JSON.stringify(cause.body)}`);
  }
  return report;
}

function classify(error: unknown): FailureReport {
  if (error instanceof UsageError) {
    const help = error.showUsageOf ? `${error.showUsageOf === "fal-native" ? "fal-native" : `fal-native ${error.showUsageOf}`} --help` : "fal-native --help";
    return { code: EXIT.USAGE, lines: [line(error.message), `Run '${help}' for usage.`] };
  }
  if (error instanceof Interrupted) return { code: EXIT.INTERRUPTED, lines: [line("interrupted")] };
  if (error instanceof CliTimeout) return { code: EXIT.TIMEOUT, lines: [line(error.message)] };
  if (error instanceof ApiError) return apiFailure(error);
  if (error instanceof TransportError) return { code: EXIT.TRANSPORT, lines: [line(error.message)] };
  const message = error instanceof Error ? error.message : String(error);
  if (/^Client timed out waiting/.test(message)) return { code: EXIT.TIMEOUT, lines: [line(message)] };
  // The library rejects bad option values with a TypeError naming the option.
  if (error instanceof TypeError && message.startsWith(PREFIX)) return { code: EXIT.USAGE, lines: [line(message)] };
  return { code: EXIT.API_ERROR, lines: [line(message)] };
}

function apiFailure(error: ApiError<any>): FailureReport {
  const headline = /^HTTP \d+/.test(error.message) ? error.message : `HTTP ${error.status}: ${error.message}`;
  const lines = [line(error.isUserTimeout ? `${headline} (start timeout)` : headline)];
  if (error instanceof ValidationError) {
    for (const field of error.fieldErrors) {
      const where = Array.isArray(field.loc) ? field.loc.join(".") : String(field.loc);
      lines.push(`  ${where}: ${field.msg}${field.type ? ` (${field.type})` : ""}`);
    }
  } else {
    const detail = error.body?.detail;
    if (typeof detail === "string" && detail !== error.message) lines.push(`  detail: ${detail}`);
    const type = error.body?.error_type;
    if (typeof type === "string") lines.push(`  error type: ${type}`);
  }
  if (error.requestId) lines.push(`  request id: ${error.requestId}`);
  return { code: error.isUserTimeout ? EXIT.TIMEOUT : EXIT.API_ERROR, lines };
}

/** One line: newlines inside messages would break `2>&1 | head -1` style checks. */
function line(message: string): string {
  const text = message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
  return `${PREFIX}${text.replace(/\s*\n\s*/g, " ")}`;
}
