// Endpoint id grammar (wire doc §3): `[namespace/]owner/alias[/path...]`, namespace being
// "workflows" or "comfy". Submit and run address the full id; status, result and cancel use
// `[namespace/]owner/alias/requests/<id>[/action]`.

const NAMESPACES = new Set(["workflows", "comfy"]);
const LEGACY_ID = /^([0-9]+)-([a-zA-Z0-9-]+)$/;

export interface EndpointId {
  /** Full id, e.g. "fal-ai/flux-pro/v1.1-ultra". */
  full: string;
  /** `[ns/]owner/alias`, e.g. "fal-ai/flux-pro". */
  appId: string;
}

export function parseEndpointId(segments: string[]): EndpointId | undefined {
  let parts = segments;
  // Legacy numeric ids: "1714827-joke" means "1714827/joke".
  if (parts.length >= 1 && LEGACY_ID.test(parts[0])) {
    const [, owner, alias] = LEGACY_ID.exec(parts[0]) as RegExpExecArray;
    parts = [owner, alias, ...parts.slice(1)];
  }
  const appLength = NAMESPACES.has(parts[0]) ? 3 : 2;
  if (parts.length < appLength) return undefined;
  return { full: parts.join("/"), appId: parts.slice(0, appLength).join("/") };
}

export interface RequestRoute {
  /** Segments before "requests": `[ns/]owner/alias`, or the full endpoint id some clients send. */
  prefix: string;
  requestId: string;
  /** What follows the id: "" (result), "status", "status/stream", "cancel". */
  action: string;
}

/** Recognise `<prefix>/requests/<id>[/<action>]`; undefined for anything else (e.g. a submit). */
export function parseRequestRoute(segments: string[]): RequestRoute | undefined {
  const index = segments.indexOf("requests", 2);
  if (index < 0 || index + 1 >= segments.length) return undefined;
  return {
    prefix: segments.slice(0, index).join("/"),
    requestId: segments[index + 1],
    action: segments.slice(index + 2).join("/"),
  };
}

/** Whether a request route's prefix names the app (or endpoint) the request was submitted to. */
export function prefixMatches(prefix: string, appId: string): boolean {
  return prefix === appId || prefix.startsWith(`${appId}/`);
}
