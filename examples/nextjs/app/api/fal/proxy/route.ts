// Next.js App Router: the fal proxy route. Browser code configured with
// `fal.config({ proxyUrl: "/api/fal/proxy" })` sends its fal calls here; this route checks that
// each one targets fal's API, adds the server's FAL_KEY and streams fal's answer back.
import { createRouteHandler } from "fal-native/proxy";

// The proxy forwards with node:http, so it needs the Node.js runtime (not Edge).
export const runtime = "nodejs";
// Never cache proxied calls.
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, DELETE } = createRouteHandler({
  // Default: FAL_KEY (or FAL_KEY_ID + FAL_KEY_SECRET) from the server's environment.
  // credentials: process.env.FAL_KEY,

  // Only the apps your pages use (their queue status/result calls are included).
  allowedEndpoints: ["fal-ai/flux/dev", "fal-ai/flux-1/*"],

  // Your own check of the caller, e.g. a session cookie. Unauthenticated callers get 401.
  // authorize: async (info) => (await getSession(info.request as Request)) !== null,
});
