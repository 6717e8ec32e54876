// Nothing on the JS thread waits on the network: with a resolver that takes 5 s, cancelling a
// request that is resolving neither blocks JS nor stalls the client's other requests, and close()
// returns at once (it used to join the I/O thread, which waited for the resolver thread).
"use strict";

const path = require("path");
const { startScriptServer } = require("../helpers/script-server");
const { runNode } = require("../helpers/run-node");
const { buildSlowDnsShim } = require("../helpers/slow-dns");

let srv;
let shim;
beforeAll(async () => {
  srv = await startScriptServer();
  shim = buildSlowDnsShim();
});
afterAll(() => srv.close());

test("cancel and close return quickly while a 5 s DNS lookup is in progress", async () => {
  srv.script("GET", "/fast", [{ json: { ok: 1 } }]);
  srv.script("GET", "/slow", [{ json: { ok: 1 } }]);
  const port = new URL(srv.url).port;
  const result = await runNode(path.join(__dirname, "..", "helpers", "slow-dns-child.js"), [port], {
    timeoutMs: 30_000,
    env: { ...process.env, LD_PRELOAD: shim, SLOW_DNS_HOST: "fal-slow-dns.test", SLOW_DNS_MS: "5000" },
  });
  expect(result.stderr).toBe("");
  const out = JSON.parse(result.stdout);
  expect(out.otherStatus).toBe(200);
  // Generous bounds: the resolver takes 5,000 ms; before the fix these were about 4,700-4,800 ms.
  expect(out.cancelMs).toBeLessThan(1000);
  expect(out.otherMs).toBeLessThan(1500);
  expect(out.closeMs).toBeLessThan(1000);
}, 40_000);
