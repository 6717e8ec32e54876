// The clients benchmark workers compare, all pointed at an emulator started elsewhere: fal-native,
// @fal-ai/client and (subscribe bench only) "undici by hand", see undici-peer.js.
"use strict";

/** The emulator's four service URLs from its root URL. */
function emulatorUrls(root) {
  return { run: `${root}/run`, queue: `${root}/queue`, rest: `${root}/rest`, cdn: `${root}/cdn` };
}

/** @fal-ai/client. It has no base-URL option; its `fetch` option is the documented way to point it elsewhere. */
function officialClient(urls) {
  const { createFalClient } = require("@fal-ai/client");
  const rewrite = (url) =>
    url.replace("https://queue.fal.run", urls.queue).replace("https://fal.run", urls.run).replace("https://rest.fal.ai", urls.rest);
  return createFalClient({
    credentials: "bench-key",
    fetch: (input, init) => fetch(rewrite(String(typeof input === "string" ? input : input.url)), init),
  });
}

function nativeClient(urls) {
  const { createFalClient } = require("fal-native");
  return createFalClient({ credentials: "bench-key", baseUrls: urls });
}

/** "official", "undici" (subscribe only) or anything else (fal-native). */
function benchClient(name, urls) {
  if (name === "undici") return require("./undici-peer").undiciPeer(urls);
  return name === "official" ? officialClient(urls) : nativeClient(urls);
}

module.exports = { emulatorUrls, benchClient };
