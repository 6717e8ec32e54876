// Authorization check for the run, queue and rest routes (wire doc §2). CDN file downloads are
// public, like fal's media URLs.

export type AuthCheck = { ok: true } | { ok: false; detail: string };

export function checkAuthorization(header: string | undefined, apiKey: string | undefined): AuthCheck {
  if (!header || header.trim() === "") {
    return { ok: false, detail: "Missing Authorization header. Send 'Authorization: Key <FAL_KEY>'." };
  }
  const match = /^(Key|Bearer)\s+(\S.*)$/i.exec(header.trim());
  if (!match) {
    return { ok: false, detail: "Unsupported Authorization scheme. Use 'Key <FAL_KEY>' or 'Bearer <token>'." };
  }
  if (apiKey === undefined) return { ok: true };
  const [, scheme, credentials] = match;
  if (scheme.toLowerCase() === "key" && credentials === apiKey) return { ok: true };
  return { ok: false, detail: "Invalid API key." };
}
