const {
  buildUrl,
  resolveBaseUrls,
  validateConfigBaseUrls,
  normalizeBaseUrl,
  statusUrl,
  resultUrl,
  cancelUrl,
  queueRequestsPrefix,
  DEFAULT_BASE_URLS,
  cdnRequestUrl,
  isFalCdnHost,
} = require("../../dist/lib/core/urls");

const ENV = ["FAL_RUN_URL", "FAL_QUEUE_URL", "FAL_REST_URL", "FAL_CDN_URL"];
let saved;
beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  ENV.forEach((k) => delete process.env[k]);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const defaults = () => resolveBaseUrls({});

describe("buildUrl", () => {
  test("run keeps the full endpoint id", () => {
    expect(buildUrl("fal-ai/flux/dev", defaults())).toBe("https://fal.run/fal-ai/flux/dev");
    expect(buildUrl("fal-ai/text-to-image", defaults())).toBe("https://fal.run/fal-ai/text-to-image");
  });

  test("submit goes to the queue base and keeps the path and namespace", () => {
    expect(buildUrl("fal-ai/flux/dev", defaults(), { service: "queue" })).toBe("https://queue.fal.run/fal-ai/flux/dev");
    expect(buildUrl("workflows/fal-ai/wf/sub", defaults(), { service: "queue" })).toBe("https://queue.fal.run/workflows/fal-ai/wf/sub");
  });

  test("GET input becomes the query string (values as strings), merged over query", () => {
    expect(buildUrl("fal-ai/x", defaults(), { method: "get", input: { a: 1, b: "two" } })).toBe("https://fal.run/fal-ai/x?a=1&b=two");
    expect(buildUrl("fal-ai/x", defaults(), { method: "GET", input: { a: "x y" }, query: { a: "q", z: "1" } })).toBe(
      "https://fal.run/fal-ai/x?a=x+y&z=1",
    );
    expect(buildUrl("fal-ai/x", defaults(), { method: "post", input: { a: 1 } })).toBe("https://fal.run/fal-ai/x");
  });

  test("webhook query is URL-encoded", () => {
    expect(buildUrl("fal-ai/x", defaults(), { service: "queue", query: { fal_webhook: "https://me.dev/hook?a=1" } })).toBe(
      "https://queue.fal.run/fal-ai/x?fal_webhook=https%3A%2F%2Fme.dev%2Fhook%3Fa%3D1",
    );
  });

  test("legacy ids are normalized; invalid ids throw the official error", () => {
    expect(buildUrl("123-app", defaults())).toBe("https://fal.run/123/app");
    expect(() => buildUrl("flux", defaults())).toThrow("Invalid app id: flux. Must be in the format <appOwner>/<appId>");
  });

  test("absolute fal URLs are used as they are", () => {
    expect(buildUrl("https://fal.run/fal-ai/x", defaults(), { path: "/extra" })).toBe("https://fal.run/fal-ai/x/extra");
    expect(buildUrl("https://my-app.fal.ai/", defaults())).toBe("https://my-app.fal.ai/");
  });

  test("path loses its leading slash", () => {
    expect(buildUrl("fal-ai/x", defaults(), { path: "/requests/r1" })).toBe("https://fal.run/fal-ai/x/requests/r1");
  });
});

describe("status, result and cancel URLs drop the endpoint path", () => {
  test("plain ids", () => {
    const b = defaults();
    expect(statusUrl("fal-ai/flux/dev", "r", false, b)).toBe("https://queue.fal.run/fal-ai/flux/requests/r/status?logs=0");
    expect(statusUrl("fal-ai/flux/dev", "r", true, b)).toBe("https://queue.fal.run/fal-ai/flux/requests/r/status?logs=1");
    expect(resultUrl("fal-ai/flux/dev", "r", b)).toBe("https://queue.fal.run/fal-ai/flux/requests/r");
    expect(cancelUrl("fal-ai/flux/dev", "r", b)).toBe("https://queue.fal.run/fal-ai/flux/requests/r/cancel");
  });

  test("namespaced ids keep the namespace", () => {
    expect(cancelUrl("workflows/fal-ai/my-wf/sub", "rid", defaults())).toBe(
      "https://queue.fal.run/workflows/fal-ai/my-wf/requests/rid/cancel",
    );
    expect(queueRequestsPrefix("comfy/me/graph/x", defaults())).toBe("https://queue.fal.run/comfy/me/graph/requests/");
  });

  test("request ids are path-encoded", () => {
    expect(resultUrl("a/b", "x/../y", defaults())).toBe("https://queue.fal.run/a/b/requests/x%2F..%2Fy");
  });
});

describe("base URL overrides", () => {
  test("fal defaults", () => {
    expect(defaults()).toEqual({
      run: "https://fal.run",
      queue: "https://queue.fal.run",
      rest: "https://rest.fal.ai",
      cdn: "https://v3.fal.media",
    });
    expect(DEFAULT_BASE_URLS.rest).toBe("https://rest.fal.ai");
  });

  test("env overrides, with a path prefix and plain http", () => {
    process.env.FAL_QUEUE_URL = "http://127.0.0.1:8787/queue/";
    process.env.FAL_RUN_URL = "http://127.0.0.1:8787/run";
    process.env.FAL_REST_URL = "http://localhost:9/rest";
    process.env.FAL_CDN_URL = "https://cdn.local";
    const b = resolveBaseUrls({});
    expect(b).toEqual({
      run: "http://127.0.0.1:8787/run",
      queue: "http://127.0.0.1:8787/queue",
      rest: "http://localhost:9/rest",
      cdn: "https://cdn.local",
    });
    expect(buildUrl("fal-ai/flux/dev", b, { service: "queue" })).toBe("http://127.0.0.1:8787/queue/fal-ai/flux/dev");
    expect(statusUrl("fal-ai/flux/dev", "r", false, b)).toBe("http://127.0.0.1:8787/queue/fal-ai/flux/requests/r/status?logs=0");
    expect(buildUrl("fal-ai/x", b, { method: "get", input: { q: 1 } })).toBe("http://127.0.0.1:8787/run/fal-ai/x?q=1");
  });

  test("env is re-read per call", () => {
    expect(resolveBaseUrls({}).queue).toBe("https://queue.fal.run");
    process.env.FAL_QUEUE_URL = "http://127.0.0.1:1234";
    expect(resolveBaseUrls({}).queue).toBe("http://127.0.0.1:1234");
  });

  test("config wins over env", () => {
    process.env.FAL_QUEUE_URL = "http://env.local/queue";
    const fromConfig = validateConfigBaseUrls({ queue: "http://config.local:8080/q" });
    expect(resolveBaseUrls(fromConfig).queue).toBe("http://config.local:8080/q");
    expect(resolveBaseUrls(fromConfig).run).toBe("https://fal.run");
  });

  test("absolute URLs under an overridden base are used verbatim", () => {
    const b = resolveBaseUrls(validateConfigBaseUrls({ run: "http://127.0.0.1:8787/run" }));
    expect(buildUrl("http://127.0.0.1:8787/run/fal-ai/x", b)).toBe("http://127.0.0.1:8787/run/fal-ai/x/");
  });

  test("invalid values: a TypeError naming the option", () => {
    expect(() => validateConfigBaseUrls({ queue: "ftp://x" })).toThrow(
      'fal-native: config.baseUrls.queue must be an http(s) URL such as "http://127.0.0.1:8787/queue" (unsupported scheme ftp:), got "ftp://x"',
    );
    expect(() => validateConfigBaseUrls({ run: "not a url" })).toThrow(/config\.baseUrls\.run must be an http\(s\) URL .*not a valid URL/);
    expect(() => validateConfigBaseUrls({ run: 42 })).toThrow(TypeError);
    expect(() => validateConfigBaseUrls({ runn: "http://x" })).toThrow("config.baseUrls.runn is not a known service");
    expect(() => validateConfigBaseUrls("http://x")).toThrow("config.baseUrls must be an object");
    expect(() => normalizeBaseUrl("http://x/?a=1", "FAL_RUN_URL")).toThrow(/FAL_RUN_URL .*query strings/);
    process.env.FAL_REST_URL = "127.0.0.1:8787";
    expect(() => resolveBaseUrls({})).toThrow(/FAL_REST_URL must be an http\(s\) URL/);
  });
});

describe("absolute endpoint URLs", () => {
  const bases = resolveBaseUrls({});
  test("fal hosts are used verbatim", () => {
    expect(buildUrl("https://queue.fal.run/app", bases)).toBe("https://queue.fal.run/app/");
    expect(buildUrl("https://fal.run/x/y", bases)).toBe("https://fal.run/x/y/");
  });
  test("a host that merely ends in fal.run or fal.ai is not a fal host", () => {
    expect(buildUrl("https://evilfal.run/app", bases)).not.toMatch(/^https:\/\/evilfal\.run/);
    expect(buildUrl("https://notfal.ai/app", bases)).not.toMatch(/^https:\/\/notfal\.ai/);
  });
});

describe("the CDN rule (cdnRequestUrl)", () => {
  const none = {};
  const config = (cdn) => validateConfigBaseUrls({ cdn });

  test("no override: every URL is requested as it is, even other fal CDN hosts", () => {
    for (const url of ["https://v3.fal.media/files/a/b.png", "https://v3b.fal.media/files/x.png?sig=1", "https://example.com/x.png"]) {
      expect(cdnRequestUrl(url, none)).toBe(url);
    }
  });

  test("FAL_CDN_URL is read per call: path and query kept, origin replaced", () => {
    const url = "https://v3.fal.media/files/rabbit/a%20b.png?x=1&y=2";
    expect(cdnRequestUrl(url, none)).toBe(url);
    process.env.FAL_CDN_URL = "http://127.0.0.1:8787";
    expect(cdnRequestUrl(url, none)).toBe("http://127.0.0.1:8787/files/rabbit/a%20b.png?x=1&y=2");
    process.env.FAL_CDN_URL = "http://127.0.0.1:9999/";
    expect(cdnRequestUrl(url, none)).toBe("http://127.0.0.1:9999/files/rabbit/a%20b.png?x=1&y=2");
    delete process.env.FAL_CDN_URL;
    expect(cdnRequestUrl(url, none)).toBe(url);
  });

  test("a path prefix in the base comes before the original path", () => {
    expect(cdnRequestUrl("https://v3.fal.media/files/x.png", config("http://127.0.0.1:8787/cdn/"))).toBe(
      "http://127.0.0.1:8787/cdn/files/x.png",
    );
    expect(cdnRequestUrl("https://v3b.fal.media/", config("https://mirror.example/a/b"))).toBe("https://mirror.example/a/b/");
  });

  test("config wins over FAL_CDN_URL", () => {
    process.env.FAL_CDN_URL = "http://env.local/cdn";
    expect(cdnRequestUrl("https://v3.fal.media/files/x", config("http://config.local:81/c"))).toBe("http://config.local:81/c/files/x");
    expect(cdnRequestUrl("https://v3.fal.media/files/x", none)).toBe("http://env.local/cdn/files/x");
  });

  test("every fal.media host is a CDN host: subdomains, the apex, any port, http, userinfo, a trailing dot", () => {
    const c = config("http://m.local");
    expect(cdnRequestUrl("https://v3b.fal.media/files/b/x?signature=s", c)).toBe("http://m.local/files/b/x?signature=s");
    expect(cdnRequestUrl("https://fal.media/files/x", c)).toBe("http://m.local/files/x");
    expect(cdnRequestUrl("https://V3.FAL.MEDIA/files/x", c)).toBe("http://m.local/files/x");
    expect(cdnRequestUrl("http://storage.v3.fal.media:8443/p", c)).toBe("http://m.local/p");
    expect(cdnRequestUrl("https://u:p@v3.fal.media/p#frag", c)).toBe("http://m.local/p");
    expect(cdnRequestUrl("https://v3.fal.media./p", c)).toBe("http://m.local/p");
    expect(isFalCdnHost("v3.fal.media")).toBe(true);
    expect(isFalCdnHost("fal.media")).toBe(true);
  });

  test("other hosts are never rewritten, including look-alikes and fal's API hosts", () => {
    const c = config("http://m.local");
    for (const url of [
      "https://evilfal.media/files/x",
      "https://fal.media.evil.com/files/x",
      "https://evil.com/?u=https://v3.fal.media/x",
      "https://fal.run/fal-ai/x",
      "https://rest.fal.ai/storage/upload/initiate",
      "http://127.0.0.1:8787/cdn/files/x",
      "https://v3.fal.media@evil.com/files/x",
    ]) {
      expect(cdnRequestUrl(url, c)).toBe(url);
    }
    expect(isFalCdnHost("evilfal.media")).toBe(false);
    expect(isFalCdnHost("fal.media.evil.com")).toBe(false);
    // Not http(s), or not a URL: left for the caller's own check.
    expect(cdnRequestUrl("ftp://v3.fal.media/x", c)).toBe("ftp://v3.fal.media/x");
    expect(cdnRequestUrl("not a url", c)).toBe("not a url");
  });

  test("a malformed value is rejected with an error naming the variable or the option", () => {
    process.env.FAL_CDN_URL = "v3.fal.media";
    expect(() => cdnRequestUrl("https://v3.fal.media/files/x", none)).toThrow(/FAL_CDN_URL must be an http\(s\) URL/);
    process.env.FAL_CDN_URL = "https://cdn.local/?token=1";
    expect(() => cdnRequestUrl("https://v3.fal.media/files/x", none)).toThrow(/FAL_CDN_URL .*query strings/);
    process.env.FAL_CDN_URL = "https://user:pw@cdn.local";
    expect(() => cdnRequestUrl("https://v3.fal.media/files/x", none)).toThrow(/FAL_CDN_URL .*credentials/);
    // A valid config value wins, so the bad env value is not consulted.
    expect(cdnRequestUrl("https://v3.fal.media/x", config("http://ok.local"))).toBe("http://ok.local/x");
    expect(() => validateConfigBaseUrls({ cdn: "ftp://cdn.local" })).toThrow(/config\.baseUrls\.cdn must be an http\(s\) URL .*unsupported scheme/);
    expect(() => validateConfigBaseUrls({ cdn: "" })).toThrow(/config\.baseUrls\.cdn/);
  });

  test("an endpoint URL under the CDN override is not a fal host (it would be sent the key)", () => {
    const b = resolveBaseUrls(validateConfigBaseUrls({ cdn: "http://127.0.0.1:8787/cdn" }));
    expect(buildUrl("http://127.0.0.1:8787/cdn/fal-ai/x", b)).not.toMatch(/^http:\/\/127\.0\.0\.1:8787\/cdn/);
    // The other overrides still are.
    const q = resolveBaseUrls(validateConfigBaseUrls({ queue: "http://127.0.0.1:8787/queue" }));
    expect(buildUrl("http://127.0.0.1:8787/queue/fal-ai/x", q, { service: "queue" })).toBe("http://127.0.0.1:8787/queue/fal-ai/x/");
  });
});
