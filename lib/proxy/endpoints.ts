// `allowedEndpoints`: which apps a proxy may call. Patterns are endpoint ids with glob segments:
// "*" matches one path segment, "**" any number (including none).

/** Validates the option once, when the handler is created. */
export function validateEndpointPatterns(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((p) => typeof p !== "string" || p.trim() === "")) {
    throw new TypeError(
      `fal-native/proxy: allowedEndpoints must be an array of endpoint ids such as ["fal-ai/flux/dev", "fal-ai/flux-pro/*"], got ${JSON.stringify(value)}`,
    );
  }
  return value.map((p: string) => p.trim().replace(/^\/+|\/+$/g, ""));
}

const segmentsOf = (path: string): string[] => path.split("/").filter((s) => s !== "");

function matchSegments(pattern: string[], path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === "**") {
    for (let skip = 0; skip <= path.length; skip++) {
      if (matchSegments(rest, path.slice(skip))) return true;
    }
    return false;
  }
  if (path.length === 0) return false;
  return (head === "*" || head === path[0]) && matchSegments(rest, path.slice(1));
}

/**
 * Whether a fal.run path (no leading slash needed) is allowed. A queue path
 * "<app>/requests/<id>[/status|/cancel|...]" is allowed when the app ("owner/alias", or
 * "namespace/owner/alias") is the app of an allowed pattern.
 */
export function isEndpointAllowed(pathname: string, patterns: string[]): boolean {
  const path = segmentsOf(pathname);
  // Endpoint ids never hold encoded separators or dot segments; a path that does could be read
  // differently upstream than here, so it is never allowed by a pattern.
  if (path.some(isAmbiguousSegment)) return false;
  const requestsAt = path.indexOf("requests");
  for (const pattern of patterns) {
    const patternSegments = segmentsOf(pattern);
    if (matchSegments(patternSegments, path)) return true;
    if (requestsAt >= 2 && patternSegments.length >= requestsAt) {
      const app = path.slice(0, requestsAt);
      if (matchSegments(patternSegments.slice(0, requestsAt), app)) return true;
    }
  }
  return false;
}

function isAmbiguousSegment(segment: string): boolean {
  if (/%(2f|5c)/i.test(segment)) return true;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return true;
  }
  return decoded === "." || decoded === "..";
}
