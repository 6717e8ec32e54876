// ESM entry of fal-native/webhooks (the package is compiled to CommonJS): named and default exports.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cjs = require("../dist/lib/webhooks/index.js");

export const {
  verifyWebhook,
  WebhookVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  clearJwksCache,
  DEFAULT_JWKS_URL,
  JWKS_URL_ENV,
  resolveJwksUrl,
  createWebhookHandler,
  createExpressWebhookHandler,
  createNextRouteHandler,
  createNextApiHandler,
  keepRawBody,
  MemoryDedupeStore,
  DEFAULT_DEDUPE_WINDOW_MS,
} = cjs;

export default cjs;
