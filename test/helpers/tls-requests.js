// Small HTTPS clients for tests against the emulator's TLS mode: one request over HTTP/1.1
// (node's https) and requests over one HTTP/2 session (node's http2), each trusting only the
// CA given (or the default roots when none is).
"use strict";

const https = require("https");
const http2 = require("http2");

/**
 * One HTTP/1.1 request. `alpn` offers ALPN protocols (node's https offers none by default).
 * Resolves {status, headers, body: Buffer, alpnProtocol, peerCertificate}; rejects on TLS errors.
 */
function h1Request(url, { ca, method = "GET", headers = {}, body, alpn, servername } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, ALPNProtocols: alpn, servername, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks),
          alpnProtocol: res.socket.alpnProtocol,
          peerCertificate: res.socket.getPeerCertificate(true),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Opens an HTTP/2 session; resolves once TLS is up (rejects on certificate errors). */
function h2Connect(origin, { ca } = {}) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, { ca });
    session.once("error", reject);
    session.once("connect", () => {
      session.off("error", reject);
      session.on("error", () => {});
      resolve(session);
    });
  });
}

/** One request on an open HTTP/2 session; resolves {status, headers, body: Buffer}. */
function h2Request(session, path, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": method, ":path": path, ...headers });
    const chunks = [];
    let responseHeaders;
    stream.on("response", (h) => (responseHeaders = h));
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => resolve({ status: responseHeaders[":status"], headers: responseHeaders, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(body);
  });
}

/** JSON body helper for both. */
const json = (response) => JSON.parse(response.body.toString("utf8"));

module.exports = { h1Request, h2Connect, h2Request, json };
