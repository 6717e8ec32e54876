// Child script: creates clients (and configures the singleton) but makes no request. The process
// must exit by itself.
"use strict";

const { createFalClient, fal } = require("../../../dist/lib");

const clients = [createFalClient(), createFalClient({ credentials: "k", baseUrls: { queue: "http://127.0.0.1:9" } })];
fal.config({ credentials: "k" });
console.log(`created ${clients.length} clients, queue client: ${typeof clients[1].queue.submit}`);
