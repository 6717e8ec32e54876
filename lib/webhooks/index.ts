/// <reference types="node" preserve="true" />
// fal-native/webhooks: verify fal's signed webhook deliveries and receive them in node:http,
// Express and Next.js. See docs/webhooks.md.
//
//   const { verifyWebhook, createWebhookHandler } = require("fal-native/webhooks");
//   const webhook = await verifyWebhook({ headers: req.headers, body: rawBody });

export type { WebHookResponse } from "../../types/common";
export {
  verifyWebhook,
  WebhookVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
  type WebhookVerificationReason,
  type WebhookVerifyOptions,
  type VerifyWebhookParams,
  type WebhookHeaders,
  type WebhookBody,
} from "./verify";
export { clearJwksCache, DEFAULT_JWKS_URL, JWKS_URL_ENV, resolveJwksUrl, type WebhookJwk, type WebhookJwks } from "./jwks";
export {
  createWebhookHandler,
  createExpressWebhookHandler,
  createNextRouteHandler,
  createNextApiHandler,
  keepRawBody,
  MemoryDedupeStore,
  DEFAULT_DEDUPE_WINDOW_MS,
  type WebhookHandler,
  type WebhookContext,
  type WebhookReceiverOptions,
  type WebhookDedupeStore,
} from "./receivers";
