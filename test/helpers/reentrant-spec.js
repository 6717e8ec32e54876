// Child script for native-binding.test.js: specs whose getters re-enter the native client.
"use strict";

const { rawClient, requestSpec } = require("./raw-binding");

async function main() {
  const url = process.argv[2];
  const out = {};
  {
    const { client } = rawClient();
    const spec = requestSpec(`${url}/x`);
    Object.defineProperty(spec, "headers", {
      enumerable: true,
      get() {
        client.close();
        return [];
      },
    });
    try {
      client.request(spec);
      out.closedMessage = "no error";
    } catch (error) {
      out.closedMessage = error.message;
    }
  }
  {
    // A getter that starts another job on the same client: both get distinct ids and finish.
    const { client, final } = rawClient();
    let inner = 0;
    const spec = requestSpec(`${url}/nested`);
    Object.defineProperty(spec, "headers", {
      enumerable: true,
      get() {
        if (!inner) inner = client.request(requestSpec(`${url}/nested`));
        return [];
      },
    });
    const outer = client.request(spec);
    const [a, b] = await Promise.all([final(outer), final(inner)]);
    out.nested = outer !== inner && a.type === "response" && b.type === "response" ? "ok" : JSON.stringify([outer, inner, a, b]);
    client.close();
  }
  process.stdout.write(JSON.stringify(out));
}

main();
