// A plain node:http server with two jobs:
//   /api/fal/proxy  fal-native/proxy: browser code calls fal through it; the key stays here.
//   POST /generate  fal.subscribe run on the server itself with fal-native.
//   /               a tiny page whose browser-side @fal-ai/client uses the proxy.
//
//   node examples/node-server/server.js              # real fal with FAL_KEY, else the emulator
//   node examples/node-server/server.js --self-test  # start, call the proxy with the official
//                                                     # client and /generate, print, exit
//
// Without FAL_KEY it starts the built-in fal emulator and maps fal's hosts onto it (`baseUrls`),
// so it runs with no key and no network.
"use strict";

const http = require("http");
const { createFalClient } = require("fal-native");
const { createNodeHandler } = require("fal-native/proxy");
const { startEmulator } = require("fal-native/emulator");

const MODEL = "fal-ai/flux-1/schnell";
const PROXY_ROUTE = "/api/fal/proxy";
const PORT = Number(process.env.PORT ?? 3000);

const PAGE = `<!doctype html>
<meta charset="utf-8"><title>fal-native proxy example</title>
<form id="f"><input name="prompt" value="a lighthouse at dusk" size="40"> <button>Generate</button></form>
<pre id="out"></pre>
<script type="module">
  // The official browser client, pointed at this server's proxy: no key in the page.
  import { fal } from "https://esm.sh/@fal-ai/client@1.10";
  fal.config({ proxyUrl: "${PROXY_ROUTE}" });
  document.getElementById("f").onsubmit = async (event) => {
    event.preventDefault();
    const out = document.getElementById("out");
    out.textContent = "working...";
    const result = await fal.subscribe("${MODEL}", { input: { prompt: event.target.prompt.value } });
    out.textContent = JSON.stringify(result.data, null, 2);
  };
</script>`;

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
}

function sendJson(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

async function startServer({ port }) {
  // Where fal is: the real service with FAL_KEY, else a local emulator.
  let emulator;
  let key = process.env.FAL_KEY;
  let baseUrls;
  if (!key) {
    key = "example-key";
    emulator = await startEmulator({ apiKey: key, quiet: true, timing: { queueMs: 200, stepMs: 100, steps: 4 } });
    baseUrls = emulator.urls;
  }

  const proxy = createNodeHandler({
    credentials: key,
    baseUrls,
    // Only the app this page uses (its queue status/result calls included).
    allowedEndpoints: [MODEL],
    // A real app would check its own session here, e.g. a cookie:
    // authorize: (info) => isLoggedIn(info.headers.cookie),
  });
  const fal = createFalClient({ credentials: key, baseUrls });

  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    try {
      if (path === PROXY_ROUTE) return await proxy(req, res);
      if (path === "/generate" && req.method === "POST") {
        const { prompt } = await readJson(req);
        const result = await fal.subscribe(MODEL, { input: { prompt: String(prompt ?? "a cat") } });
        return sendJson(res, 200, { requestId: result.requestId, images: result.data.images });
      }
      if (path === "/" && req.method === "GET") {
        return res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      }
      sendJson(res, 404, { message: "not found" });
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { message: error.message });
      else res.destroy();
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    usingEmulator: Boolean(emulator),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (emulator) await emulator.close();
    },
  };
}

/** What a browser would do, from Node: the official client in proxy mode, then /generate. */
async function selfTest(url) {
  const { createFalClient: createOfficialClient } = require("@fal-ai/client");
  // Outside a browser the official client only uses a proxy when told to ("always").
  const browserLike = createOfficialClient({ proxyUrl: { url: `${url}${PROXY_ROUTE}`, when: "always" } });
  const viaProxy = await browserLike.subscribe(MODEL, { input: { prompt: "through the proxy" } });
  console.log(`proxy:    ${viaProxy.requestId} -> ${viaProxy.data.images[0].url}`);

  const refused = await fetch(`${url}${PROXY_ROUTE}`, { method: "POST", headers: { "x-fal-target-url": "https://example.com/" } });
  console.log(`proxy refuses other hosts: HTTP ${refused.status}`);

  const generated = await fetch(`${url}/generate`, { method: "POST", body: JSON.stringify({ prompt: "on the server" }) });
  const body = await generated.json();
  console.log(`generate: ${body.requestId} -> ${body.images[0].url}`);
}

async function main() {
  const selfTesting = process.argv.includes("--self-test");
  const app = await startServer({ port: selfTesting ? 0 : PORT });
  console.log(`listening on ${app.url} (${app.usingEmulator ? "fal emulator, no key needed" : "real fal service"})`);
  if (!selfTesting) return;
  try {
    await selfTest(app.url);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
