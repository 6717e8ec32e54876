// A text body too long for a V8 string (issue 10, defect 2) is delivered as bytes instead of
// throwing inside the dispatcher, which lost the record and hung the process forever.
"use strict";

const http = require("http");
const { rawClient, requestSpec } = require("../helpers/raw-binding");

const SIZE = 600 * 1024 * 1024;

test("a 600 MiB text/plain body arrives as a Buffer of the right length", async () => {
  const chunk = Buffer.alloc(1024 * 1024, "a");
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "content-length": String(SIZE) });
    let sent = 0;
    const pump = () => {
      while (sent < SIZE) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { client, final } = rawClient();
  let timer;
  const record = await Promise.race([
    final(client.request(requestSpec(`http://127.0.0.1:${server.address().port}/big`))),
    new Promise((resolve) => (timer = setTimeout(() => resolve("hung"), 90_000))),
  ]);
  clearTimeout(timer);
  client.close();
  await new Promise((resolve) => server.close(resolve));
  expect(record).not.toBe("hung");
  expect(record.type).toBe("response");
  expect(Buffer.isBuffer(record.response.body)).toBe(true);
  expect(record.response.body.length).toBe(SIZE);
}, 120_000);
