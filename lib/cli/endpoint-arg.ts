// Positional arguments shared by the queue commands.
import { parseEndpointId } from "../index";
import { UsageError } from "./exit-codes";

/** Checks an endpoint id the way the client will parse it, so a typo is a usage error (exit 2). */
export function endpointIdArg(value: string | undefined): string {
  if (!value) throw new UsageError("missing <endpoint-id> (e.g. fal-ai/flux-1/schnell)");
  try {
    parseEndpointId(value);
  } catch {
    throw new UsageError(`<endpoint-id> must look like owner/app[/path] (e.g. fal-ai/flux-1/schnell), got "${value}"`);
  }
  return value;
}

export function requestIdArg(value: string | undefined): string {
  if (!value) throw new UsageError("missing <request-id> (printed by submit)");
  if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new UsageError(`<request-id> has unexpected characters: "${value}"`);
  return value;
}
