// Temporary app tokens (wire doc 10.2, checklist row 9): `POST <rest>/tokens/` with a key and
// {"allowed_apps": ["<alias>"], "token_expiration": <seconds>} answers a bare JSON string, an
// HS256 JWT signed with a secret of this emulator instance. Realtime sockets (and client-mode
// streams) present it as `?fal_jwt_token=`.

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { parseEndpointId } from "./endpoint-id";
import { parseJsonBody, replyJson, replyMethodNotAllowed, replyNotFound, type Ctx } from "./http";
import type { EmulatorState } from "./state";

/** What the official clients ask for when they say nothing else. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 120;
/** Tests may ask for very short tokens; a day is the longest we hand out. */
const MIN_TOKEN_EXPIRATION_SECONDS = 0.05;
const MAX_TOKEN_EXPIRATION_SECONDS = 86_400;

export interface TokenClaims {
  allowed_apps: string[];
  /** Seconds since the epoch, fractional so sub-second test tokens work (RFC 7519 allows it). */
  exp: number;
  iat: number;
  jti: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

// One secret per emulator instance, so a token from one emulator is refused by another.
const secrets = new WeakMap<object, Buffer>();

function secretOf(state: EmulatorState): Buffer {
  let secret = secrets.get(state);
  if (!secret) {
    secret = randomBytes(32);
    secrets.set(state, secret);
  }
  return secret;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const JWT_HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function sign(state: EmulatorState, signingInput: string): Buffer {
  return createHmac("sha256", secretOf(state)).update(signingInput).digest();
}

export function issueToken(state: EmulatorState, allowedApps: string[], expirationSeconds: number): string {
  const now = Date.now() / 1000;
  const claims: TokenClaims = { allowed_apps: allowedApps, exp: now + expirationSeconds, iat: now, jti: randomUUID() };
  const signingInput = `${JWT_HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign(state, signingInput))}`;
}

/**
 * Valid when signed by this emulator, not expired, and allowing the app: the official clients send
 * the alias alone ("fast-lcm-diffusion"); "owner/alias" is accepted too.
 */
export function verifyToken(state: EmulatorState, token: string, app: { owner: string; alias: string }): TokenCheck {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== JWT_HEADER) return { ok: false, reason: "malformed token" };
  const expected = sign(state, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "bad signature" };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed token" };
  }
  if (!(claims.exp > Date.now() / 1000)) return { ok: false, reason: "token expired" };
  const allowed = Array.isArray(claims.allowed_apps) ? claims.allowed_apps : [];
  if (!allowed.includes(app.alias) && !allowed.includes(`${app.owner}/${app.alias}`)) {
    return { ok: false, reason: `token not valid for ${app.owner}/${app.alias}` };
  }
  return { ok: true, claims };
}

/** `POST <rest>/tokens/` (auth already checked by routes.ts). */
export function handleTokens(ctx: Ctx, segments: string[], state: EmulatorState): void {
  if (segments.length !== 0) return replyNotFound(ctx);
  if (ctx.method !== "POST") return replyMethodNotAllowed(ctx, ["POST"]);
  const parsed = parseJsonBody(ctx.body);
  if (!parsed.ok) return replyJson(ctx, 422, { detail: parsed.detail });
  const body = parsed.value;
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return replyJson(ctx, 422, {
      detail: [{ loc: ["body"], msg: "Input should be a valid dictionary", type: "dict_type", input: body ?? null }],
    });
  }
  const { allowed_apps: apps, token_expiration: expiration = DEFAULT_TOKEN_EXPIRATION_SECONDS } = body as Record<string, unknown>;
  if (!Array.isArray(apps) || apps.length === 0 || !apps.every((app) => typeof app === "string" && app !== "")) {
    return replyJson(ctx, 422, {
      detail: [{ loc: ["body", "allowed_apps"], msg: "Input should be a non-empty list of app names", type: "list_type", input: apps ?? null }],
    });
  }
  if (typeof expiration !== "number" || !Number.isFinite(expiration) || expiration < MIN_TOKEN_EXPIRATION_SECONDS || expiration > MAX_TOKEN_EXPIRATION_SECONDS) {
    return replyJson(ctx, 422, {
      detail: [
        {
          loc: ["body", "token_expiration"],
          msg: `Input should be a number of seconds between ${MIN_TOKEN_EXPIRATION_SECONDS} and ${MAX_TOKEN_EXPIRATION_SECONDS}`,
          type: "value_error",
          input: expiration,
        },
      ],
    });
  }
  replyJson(ctx, 200, issueToken(state, apps as string[], expiration));
}

/**
 * `?fal_jwt_token=` in place of a key on run routes and the queue status stream (client-mode
 * streams): valid when the token allows the addressed app. Undefined when the request carries no
 * token (use the key check).
 */
export function checkQueryToken(ctx: Ctx, endpointSegments: string[], state: EmulatorState): { ok: true } | { ok: false; detail: string } | undefined {
  const token = ctx.query.get("fal_jwt_token");
  if (token === null || ctx.headers["authorization"]) return undefined;
  const id = parseEndpointId(endpointSegments);
  if (!id) return { ok: false, detail: "Invalid token: no app in the path." };
  const [owner, alias] = id.appId.split("/").slice(-2);
  const check = verifyToken(state, token, { owner, alias });
  return check.ok ? { ok: true } : { ok: false, detail: `Invalid token: ${check.reason}.` };
}
