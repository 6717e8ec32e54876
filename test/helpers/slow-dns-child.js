// Child script for native-dns.test.js (run with the slow-DNS shim preloaded): how long cancel()
// and close() keep the JS thread, and how long another request waits behind a cancelled one.
"use strict";

const { rawClient, requestSpec } = require("./raw-binding");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const [port] = process.argv.slice(2);
  const slowUrl = `http://${process.env.SLOW_DNS_HOST}:${port}/slow`;
  const fastUrl = `http://127.0.0.1:${port}/fast`;
  const out = {};
  const { client, final } = rawClient();

  const stuck = client.request(requestSpec(slowUrl));
  await sleep(300); // the I/O thread's resolver is now inside the 5 s getaddrinfo
  let t = process.hrtime.bigint();
  client.cancel(stuck);
  out.cancelMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  const other = await final(client.request(requestSpec(fastUrl)));
  out.otherMs = Number(process.hrtime.bigint() - t) / 1e6;
  out.otherStatus = other.response && other.response.status;

  client.request(requestSpec(slowUrl));
  await sleep(300);
  t = process.hrtime.bigint();
  client.close();
  out.closeMs = Number(process.hrtime.bigint() - t) / 1e6;
  process.stdout.write(JSON.stringify(out));
}

main();
