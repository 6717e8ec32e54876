// The soak's fault server: fal's run, queue, streaming and storage routes on three loopback ports
// (run, queue, rest), each answer drawn from a seeded random mix of faults: 429/502/503 bursts,
// 500s, connection resets, truncated bodies, malformed JSON, slow answers and stalls (headers
// sent, then nothing; or no answer at all). Counts what it served by kind.
"use strict";

const { serverTimers } = require("../helpers/server-timers");

const http = require("http");

/** mulberry32: a small seeded PRNG, so a run can be replayed with --seed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Weights of each answer; "ok" is a normal answer. A burst repeats a retryable status for the next
// few requests of the same route, as an overloaded gateway does.
const FAULTS = {
  ok: 52, slow: 8, burst429: 5, status503: 5, status502: 3, status500: 3,
  reset: 6, truncate: 5, malformed: 5, stallHeaders: 2, stallSilent: 2, wrongType: 4,
};

function startFaultServer({ seed = 1, faults = FAULTS } = {}) {
  const random = prng(seed);
  const total = Object.values(faults).reduce((a, b) => a + b, 0);
  const served = {};
  const sockets = new Set();
  const { later, clearAll: clearTimers } = serverTimers();
  const bursts = new Map(); // route -> remaining 429s
  const polls = new Map(); // request id -> status polls left before COMPLETED
  let nextId = 1;

  function pick(route) {
    const left = bursts.get(route) || 0;
    if (left > 0) {
      bursts.set(route, left - 1);
      return "burst429";
    }
    let r = random() * total;
    for (const [kind, weight] of Object.entries(faults)) {
      if ((r -= weight) < 0) {
        if (kind === "burst429") bursts.set(route, Math.floor(random() * 4));
        return kind;
      }
    }
    return "ok";
  }

  /** Answers `body` (an object: JSON; a string: its content type) after applying one fault. */
  function answer(req, res, route, ok) {
    const kind = pick(route);
    served[kind] = (served[kind] || 0) + 1;
    const json = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    switch (kind) {
      case "burst429": return json(429, { detail: "Too many requests" });
      case "status503": return json(503, { detail: "Service unavailable" });
      case "status502": res.writeHead(502, { "content-type": "text/html" }); return res.end("<html>bad gateway</html>");
      case "status500": return json(500, { detail: "Internal server error" });
      case "reset": return req.socket.destroy();
      case "stallSilent": return undefined; // never answers
      case "stallHeaders": {
        const { type, text } = ok();
        res.writeHead(200, { "content-type": type, "content-length": String(Buffer.byteLength(text) + 10) });
        return res.write(text.slice(0, Math.floor(text.length / 2)));
      }
      case "truncate": {
        const { type, text } = ok();
        res.writeHead(200, { "content-type": type, "content-length": String(Buffer.byteLength(text) + 100) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        return later(5, () => req.socket.destroy());
      }
      case "malformed": {
        const { type, text } = ok();
        res.writeHead(200, { "content-type": type === "text/event-stream" ? type : "application/json" });
        return res.end(type === "text/event-stream" ? "data: {\"broken\":\n\n" : text.slice(0, Math.max(1, text.length - 3)));
      }
      case "wrongType": {
        const { text } = ok();
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end(text);
      }
      case "slow": return later(10 + Math.floor(random() * 150), () => send(res, ok()));
      default: return send(res, ok());
    }
  }

  function send(res, { type, text, status = 200 }) {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": type });
    res.end(text);
  }

  const jsonBody = (value, status) => () => ({ type: "application/json", text: JSON.stringify(value), status });

  function handler(role, origin) {
    return (req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url, "http://x");
        const p = url.pathname;
        if (role === "run" && req.method === "POST" && p.endsWith("/stream")) {
          const events = Array.from({ length: 3 }, (_, i) => `data: ${JSON.stringify({ step: i, text: "x".repeat(20) })}\n\n`).join("");
          return answer(req, res, "stream", () => ({ type: "text/event-stream", text: events }));
        }
        if (role === "run" && req.method === "POST") return answer(req, res, "run", jsonBody({ images: [{ url: "https://x/a.png" }], seed: 42 }));
        if (role === "queue" && req.method === "POST") {
          const id = `soak-${nextId++}`;
          polls.set(id, Math.floor(random() * 3));
          const base = `${origin()}${p}/requests/${id}`;
          return answer(req, res, "submit", jsonBody({ status: "IN_QUEUE", request_id: id, queue_position: 0, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` }));
        }
        const m = p.match(/\/requests\/([^/]+)(\/status|\/cancel)?$/);
        if (role === "queue" && m) {
          const id = m[1];
          if (m[2] === "/status") {
            const left = polls.get(id) || 0;
            polls.set(id, left - 1);
            const done = left <= 0;
            if (done) polls.delete(id);
            return answer(req, res, "status", jsonBody({ status: done ? "COMPLETED" : "IN_PROGRESS", request_id: id, logs: null }, done ? 200 : 202));
          }
          if (m[2] === "/cancel") return send(res, jsonBody({ status: "CANCELLATION_REQUESTED" }, 202)());
          return answer(req, res, "result", jsonBody({ images: [], seed: 7, id }));
        }
        if (role === "rest" && req.method === "POST" && p.startsWith("/storage/upload/initiate")) {
          const id = nextId++;
          return answer(req, res, "initiate", jsonBody({ upload_url: `${origin()}/upload/${id}`, file_url: `https://v3.fal.media/files/soak/${id}` }));
        }
        if (role === "rest" && req.method === "PUT" && p.startsWith("/upload/")) return answer(req, res, "put", () => ({ type: "text/plain", text: "" }));
        send(res, jsonBody({ detail: `soak: no route ${req.method} ${p}` }, 404)());
      });
    };
  }

  const servers = {};
  const listen = (role) =>
    new Promise((resolve) => {
      let origin = "";
      const server = http.createServer(handler(role, () => origin));
      server.keepAliveTimeout = 5000;
      server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      server.listen(0, "127.0.0.1", () => {
        origin = `http://127.0.0.1:${server.address().port}`;
        servers[role] = { server, origin };
        resolve();
      });
    });

  return Promise.all(["run", "queue", "rest"].map(listen)).then(() => ({
    baseUrls: { run: servers.run.origin, queue: servers.queue.origin, rest: servers.rest.origin },
    served,
    openSockets: () => sockets.size,
    close() {
      clearTimers();
      for (const s of sockets) s.destroy();
      return Promise.all(Object.values(servers).map(({ server }) => new Promise((r) => server.close(() => r()))));
    },
  }));
}

module.exports = { startFaultServer, prng, FAULTS };
