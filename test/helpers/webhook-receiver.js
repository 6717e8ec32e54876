// A bare loopback HTTP server that records every request (headers and raw body) and answers
// whatever `respond(req, count)` says: { status, delayMs } or a function of the attempt count.
"use strict";
const http = require("node:http");

async function startRecorder(respond = () => ({ status: 200 })) {
  const received = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const entry = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks), time: Date.now() };
      received.push(entry);
      const answer = respond(entry, received.length) || { status: 200 };
      const send = () => {
        if (res.destroyed) return;
        res.statusCode = answer.status ?? 200;
        res.end(answer.body ?? "");
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Submit to the emulator's queue with ?fal_webhook= (and optional scenarios); resolves the request id. */
async function submitWithWebhook(emu, webhookUrl, { model = "fal-ai/flux-1/schnell", input = { prompt: "a fox" }, scenario } = {}) {
  const headers = { authorization: "Key test", "content-type": "application/json" };
  if (scenario) headers["x-fal-emulator-scenario"] = scenario;
  const res = await fetch(`${emu.urls.queue}/${model}?fal_webhook=${encodeURIComponent(webhookUrl)}`, {
    method: "POST",
    headers,
    body: JSON.stringify(input),
  });
  if (res.status !== 200) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
  return (await res.json()).request_id;
}

module.exports = { startRecorder, submitWithWebhook };
