// "undici by hand": what a careful user writes to run fal queue jobs without any fal client, the
// third peer of the subscribe bench (issue 11). One undici 6 Pool to the emulator's origin: 32
// keep-alive connections, pipelining 4, HTTP/1.1 (undici 6's HTTP/2, `allowH2`, is experimental,
// so a careful user leaves it off). Submit with POST, then GET .../status?logs=1 at once and again
// `pollInterval` ms after each answer (a setTimeout loop, as @fal-ai/client does), then GET the
// result. Over HTTPS it needs nothing more: Node's default trust store, which undici's TLS
// connector uses, already includes NODE_EXTRA_CA_CERTS (the bench sets it). With
// FAL_BENCH_UNDICI_CA=explicit (the bench's `--undici-ca explicit`) it passes that file as
// `connect: { ca }` instead, which makes Node build a new secure context from the whole file for
// each of the 32 connections: ~20 ms each with the system bundle.
// Exposes the subset of the fal client API the subscribe worker calls.
"use strict";

const fs = require("fs");
const { setTimeout: sleep } = require("timers/promises");
const { Pool } = require("undici");

function undiciPeer(urls) {
  const queueUrl = new URL(urls.queue);
  const caFile = process.env.NODE_EXTRA_CA_CERTS;
  const explicitCa = queueUrl.protocol === "https:" && caFile && process.env.FAL_BENCH_UNDICI_CA === "explicit";
  const tls = explicitCa ? { connect: { ca: fs.readFileSync(caFile) } } : {};
  const pool = new Pool(queueUrl.origin, { connections: 32, pipelining: 4, keepAliveTimeout: 30_000, ...tls });
  const headers = { authorization: "Key bench-key", "content-type": "application/json" };

  async function request(method, path, body) {
    const response = await pool.request({ method, path, headers, body });
    const json = await response.body.json();
    if (response.statusCode >= 300) throw new Error(`${method} ${path}: HTTP ${response.statusCode} ${JSON.stringify(json)}`);
    return json;
  }

  async function subscribe(endpointId, { input, pollInterval = 500, logs = false, onQueueUpdate }) {
    const queued = await request("POST", `${queueUrl.pathname}/${endpointId}`, JSON.stringify(input));
    // The status and result URLs the server returned (they name only owner/alias, not the path).
    const statusPath = `${new URL(queued.status_url).pathname}?logs=${logs ? 1 : 0}`;
    for (;;) {
      const status = await request("GET", statusPath);
      if (onQueueUpdate) onQueueUpdate(status);
      if (status.status === "COMPLETED") break;
      await sleep(pollInterval);
    }
    const data = await request("GET", new URL(queued.response_url).pathname);
    return { data, requestId: queued.request_id };
  }

  return { subscribe, close: () => pool.close() };
}

module.exports = { undiciPeer };
