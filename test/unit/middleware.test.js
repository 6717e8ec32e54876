const { withMiddleware, withProxy } = require("../../dist/lib/index");

const request = { method: "POST", url: "https://fal.run/fal-ai/flux", headers: { a: "1" } };

describe("withMiddleware", () => {
  test("runs middlewares in order and skips non-functions", async () => {
    const order = [];
    const m1 = async (req) => {
      order.push("m1");
      return { ...req, headers: { ...req.headers, m1: "yes" } };
    };
    const m2 = async (req) => {
      order.push("m2");
      return { ...req, url: `${req.url}?m2` };
    };
    const chain = withMiddleware(m1, undefined, "nope", m2);
    const out = await chain(request);
    expect(order).toEqual(["m1", "m2"]);
    expect(out).toEqual({ method: "POST", url: "https://fal.run/fal-ai/flux?m2", headers: { a: "1", m1: "yes" } });
  });

  test("works on a shallow copy (the input object is not reassigned)", async () => {
    const mutate = async (req) => {
      req.url = "changed";
      return req;
    };
    const input = { ...request };
    const out = await withMiddleware(mutate)(input);
    expect(out.url).toBe("changed");
    expect(input.url).toBe(request.url);
  });

  test("with no middlewares it returns an equal request", async () => {
    expect(await withMiddleware()(request)).toEqual(request);
  });
});

describe("withProxy", () => {
  test("is a no-op outside a browser by default", async () => {
    const out = await withProxy({ targetUrl: "https://proxy.local/api" })(request);
    expect(out).toEqual(request);
  });

  test('when: "always" rewrites the URL and adds x-fal-target-url', async () => {
    const out = await withProxy({ targetUrl: "https://proxy.local/api", when: "always" })(request);
    expect(out.url).toBe("https://proxy.local/api");
    expect(out.headers).toEqual({ a: "1", "x-fal-target-url": "https://fal.run/fal-ai/flux" });
    expect(out.method).toBe("POST");
  });

  test("a predicate is evaluated on every request with { isBrowser }", async () => {
    let allow = false;
    const seen = [];
    const proxy = withProxy({
      targetUrl: "https://proxy.local/api",
      when: (env) => {
        seen.push(env);
        return allow;
      },
    });
    expect((await proxy(request)).url).toBe(request.url);
    allow = true;
    expect((await proxy(request)).url).toBe("https://proxy.local/api");
    expect(seen).toEqual([{ isBrowser: false }, { isBrowser: false }]);
  });

  test("is re-entrant: an existing x-fal-target-url leaves the request alone", async () => {
    const proxied = { ...request, headers: { "x-fal-target-url": "https://fal.run/x" } };
    const out = await withProxy({ targetUrl: "https://other/api", when: "always" })(proxied);
    expect(out).toBe(proxied);
  });

  test("composed twice, only the first proxy applies", async () => {
    const chain = withMiddleware(
      withProxy({ targetUrl: "https://first/api", when: "always" }),
      withProxy({ targetUrl: "https://second/api", when: "always" }),
    );
    const out = await chain(request);
    expect(out.url).toBe("https://first/api");
    expect(out.headers["x-fal-target-url"]).toBe("https://fal.run/fal-ai/flux");
  });

  test('the default "browser" gate applies when a DOM window exists', async () => {
    global.window = { document: {} };
    try {
      const out = await withProxy({ targetUrl: "/api/fal/proxy" })(request);
      expect(out.url).toBe("/api/fal/proxy");
    } finally {
      delete global.window;
    }
  });
});
