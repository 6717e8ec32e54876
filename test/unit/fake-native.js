// A scriptable stand-in for the native addon's Client, injected through setNativeClientFactory.
// Records are delivered asynchronously in batches, like the addon's thread-safe function does.
const { setNativeClientFactory } = require("../../dist/lib/native/engine");

function response(status, body, extra = {}) {
  const isBuffer = Buffer.isBuffer(body);
  const text = isBuffer || typeof body === "string" ? body : JSON.stringify(body);
  const contentType = extra.contentType ?? (isBuffer || typeof body === "string" ? "text/plain" : "application/json");
  return {
    type: "response",
    attempts: 1,
    response: {
      status,
      statusText: extra.statusText ?? "",
      headers: extra.headers ?? `content-type: ${contentType}`,
      requestId: extra.requestId ?? "",
      contentType,
      timeoutType: extra.timeoutType ?? "",
      body: text,
      url: extra.url ?? "https://fake.example/",
      bodyIsJson: contentType.toLowerCase().includes("application/json"),
      ...(extra.jsonError ? { jsonError: extra.jsonError } : {}),
    },
  };
}

function transportFailure(code, message, url, attempts = 1) {
  return { type: "error", code, reason: "transport", message, method: "GET", url, curlCode: 7, curlText: message, status: 0, attempts };
}

class FakeNative {
  constructor(options, onRecords, respond) {
    this.options = options;
    this.onRecords = onRecords;
    this.respond = respond;
    this.requests = [];
    this.subscribes = [];
    this.cancelled = [];
    this.closed = false;
    this.lastId = 0;
  }
  // Like the addon, the fake allocates job ids and returns them.
  request(spec) {
    const id = ++this.lastId;
    this.requests.push({ id, spec });
    const reply = this.respond(spec, this);
    if (reply) this.deliver(id, reply);
    return id;
  }
  subscribe(spec) {
    const id = ++this.lastId;
    this.subscribes.push({ id, spec });
    return id;
  }
  cancel(id) {
    this.cancelled.push(id);
  }
  close() {
    this.closed = true;
  }
  /** Delivers records (without ids) for job `id` in one batch, asynchronously. */
  deliver(id, ...records) {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.onRecords(records.map((r) => ({ id, ...r })));
        resolve();
      }),
    );
  }
}

/**
 * Installs a fake factory. `respond(spec)` returns the final record for a plain request (or
 * undefined to leave it pending). Returns the list of created fakes.
 */
function installFake(respond = () => undefined) {
  const created = [];
  setNativeClientFactory((options, onRecords) => {
    const fake = new FakeNative(options, onRecords, (spec, self) => respond(spec, self));
    created.push(fake);
    return fake;
  });
  return created;
}

function uninstallFake() {
  setNativeClientFactory(undefined);
}

/** "Name: value" lines -> [[name, value], ...] */
function headerPairs(lines) {
  return lines.map((line) => {
    const i = line.indexOf(":");
    return [line.slice(0, i), line.slice(i + 1).trim()];
  });
}

function header(lines, name) {
  const pair = headerPairs(lines).find(([n]) => n.toLowerCase() === name.toLowerCase());
  return pair ? pair[1] : undefined;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

module.exports = { installFake, uninstallFake, response, transportFailure, headerPairs, header, tick, FakeNative };
