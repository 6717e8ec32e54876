// A scriptable HTTP server for fault tests: each test queues the exact answers a route gives,
// in order (status and body, a connection reset, a delay, a hang, a truncated body), and
// afterwards reads back every request the client really sent.
"use strict";

const http = require("http");
const { serverTimers } = require("./server-timers");

/**
 * @typedef {object} Step
 * @property {number} [status]          HTTP status (default 200)
 * @property {object} [headers]         response headers
 * @property {*}      [json]            body, JSON-encoded with content-type application/json
 * @property {string} [body]            raw body (content-type from headers, default text/plain)
 * @property {number} [delayMs]         wait before answering
 * @property {boolean} [reset]          destroy the socket without answering
 * @property {boolean} [hang]           never answer (until the server closes)
 * @property {boolean} [truncate]       promise a longer Content-Length, send part, then close
 */

/**
 * @typedef {object} SeenRequest
 * @property {string} method
 * @property {string} path              without the query string
 * @property {object} query             query parameters (last value wins)
 * @property {object} headers           lower-cased header names
 * @property {string} body              UTF-8 body ("" when none)
 * @property {number} time              Date.now() when the body had been read
 * @property {boolean} clientClosed     the client hung up before the answer was complete
 */

function startScriptServer() {
  /** @type {{match: (req) => boolean, steps: Step[], repeatLast: boolean}[]} */
  const routes = [];
  const requests = [];
  const sockets = new Set();
  const { later, clearAll: clearTimers } = serverTimers();

  function answer(req, res, step, seen) {
    if (step.reset || step.truncate) seen.serverClosed = true;
    if (step.reset) {
      req.socket.destroy();
      return;
    }
    if (step.hang) return;
    const headers = { ...(step.headers || {}) };
    let body = "";
    if (step.json !== undefined) {
      headers["content-type"] = headers["content-type"] || "application/json";
      body = JSON.stringify(step.json);
    } else if (step.body !== undefined) {
      headers["content-type"] = headers["content-type"] || "text/plain";
      body = step.body;
    }
    if (step.truncate) {
      const bytes = Buffer.from(body);
      res.writeHead(step.status || 200, { ...headers, "content-length": String(bytes.length + 100) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      later(10, () => req.socket.destroy());
      return;
    }
    res.writeHead(step.status || 200, headers);
    res.end(body);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url, "http://localhost");
      const seen = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        time: Date.now(),
        // Set when the client hung up before the answer was complete (abort, cancel, timeout).
        clientClosed: false,
      };
      requests.push(seen);
      res.on("close", () => {
        if (!res.writableFinished && !seen.serverClosed) seen.clientClosed = true;
      });
      const route = routes.find((r) => r.match(seen));
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: `no scripted answer for ${req.method} ${url.pathname}` }));
        return;
      }
      const step = route.steps.length > 1 || !route.repeatLast ? route.steps.shift() : route.steps[0];
      if (!step) {
        res.writeHead(410, { "content-type": "application/json" });
        res.end(JSON.stringify({ detail: `script exhausted for ${req.method} ${url.pathname}` }));
        return;
      }
      if (step.delayMs) later(step.delayMs, () => answer(req, res, step, seen));
      else answer(req, res, step, seen);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const url = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url,
        requests,
        /**
         * Queues the answers for requests matching method and path (a string prefix or RegExp).
         * The last step repeats forever unless `once` is set.
         */
        script(method, path, steps, { once = false } = {}) {
          const matchPath = (p) => (path instanceof RegExp ? path.test(p) : p === path || p.startsWith(path + "?"));
          routes.push({ match: (r) => r.method === method && matchPath(r.path), steps: [...steps], repeatLast: !once });
        },
        reset() {
          routes.length = 0;
          requests.length = 0;
        },
        close() {
          clearTimers();
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

module.exports = { startScriptServer };
