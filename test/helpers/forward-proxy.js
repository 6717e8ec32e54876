// A real HTTP forward proxy on loopback (the `proxy` package on node:http) that records what it
// was asked: "GET http://host:port/path" for plain requests, "CONNECT host:port" for tunnels.
// close() destroys every socket, tunnels included: server.close() alone would wait for the
// clients' keep-alive tunnels, which http.Server does not track.
"use strict";

const http = require("http");
const { createProxy } = require("proxy");

async function startForwardProxy() {
  const server = http.createServer();
  const sockets = new Set();
  const seen = [];
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("request", (req) => seen.push(`${req.method} ${req.url}`));
  server.on("connect", (req) => seen.push(`CONNECT ${req.url}`));
  const proxy = createProxy(server);
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    proxy,
    seen,
    url: `http://127.0.0.1:${proxy.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(resolve);
      }),
  };
}

module.exports = { startForwardProxy };
