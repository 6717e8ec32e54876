// The trust store and proxy rules of lib/network: what each client hands its native engine.
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const tls = require("tls");
const { proxySettings, proxyFor, checkProxyOption, redactProxyUrl } = require("../../dist/lib/network/proxy");
const { checkCaOption, nodeTrustStore } = require("../../dist/lib/network/trust-store");
const { ClientNetwork } = require("../../dist/lib/network/client-network");
const { createFalClient } = require("../../dist/lib");

const route = (env, url, option) => proxyFor(proxySettings(option, env), url);

describe("proxy rules (undici's EnvHttpProxyAgent, always on)", () => {
  test("http: URLs use http_proxy, else HTTP_PROXY; https: URLs use https_proxy, else HTTPS_PROXY", () => {
    expect(route({ HTTP_PROXY: "http://upper:1" }, "http://fal.run/x")).toBe("http://upper:1");
    expect(route({ http_proxy: "http://lower:1", HTTP_PROXY: "http://upper:1" }, "http://fal.run/x")).toBe("http://lower:1");
    expect(route({ HTTPS_PROXY: "http://s:1", HTTP_PROXY: "http://p:1" }, "https://fal.run/x")).toBe("http://s:1");
    expect(route({ https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" }, "https://fal.run/x")).toBe("http://lower:1");
    expect(route({ HTTPS_PROXY: "http://s:1" }, "http://fal.run/x")).toBe("");
  });

  test("https: falls back to the http proxy when no https proxy is set (as undici does)", () => {
    expect(route({ HTTP_PROXY: "http://p:1" }, "https://fal.run/x")).toBe("http://p:1");
  });

  test("wss: follows the https rule and ws: the http rule", () => {
    const env = { HTTPS_PROXY: "http://s:1", HTTP_PROXY: "http://p:1" };
    expect(route(env, "wss://fal.run/x")).toBe("http://s:1");
    expect(route(env, "ws://fal.run/x")).toBe("http://p:1");
  });

  test("no variables: direct", () => {
    expect(route({}, "https://fal.run/x")).toBe("");
  });

  test("NO_PROXY: exact hosts, .suffix and *.suffix for subdomains, ports, commas and spaces, case", () => {
    const env = { HTTPS_PROXY: "http://s:1", HTTP_PROXY: "http://p:1", NO_PROXY: "Exact.example, .sub.example *.star.example,ported.example:8443" };
    expect(route(env, "https://exact.example/")).toBe("");
    expect(route(env, "https://a.exact.example/")).toBe("http://s:1"); // no dot: that host only
    expect(route(env, "https://a.sub.example/")).toBe("");
    expect(route(env, "https://b.star.example/")).toBe("");
    expect(route(env, "https://ported.example:8443/")).toBe("");
    expect(route(env, "https://ported.example/")).toBe("http://s:1"); // 443 is not 8443
    expect(route(env, "https://fal.run/")).toBe("http://s:1");
  });

  test("NO_PROXY ports include the default port of the scheme", () => {
    const env = { HTTPS_PROXY: "http://s:1", NO_PROXY: "fal.run:443" };
    expect(route(env, "https://fal.run/x")).toBe("");
    expect(route(env, "https://fal.run:8443/x")).toBe("http://s:1");
  });

  test('NO_PROXY "*" bypasses every proxy; no_proxy wins over NO_PROXY', () => {
    expect(route({ HTTPS_PROXY: "http://s:1", NO_PROXY: "*" }, "https://fal.run/")).toBe("");
    expect(route({ HTTPS_PROXY: "http://s:1", no_proxy: "other", NO_PROXY: "*" }, "https://fal.run/")).toBe("http://s:1");
  });

  test("IPv6 literals match bracketed entries", () => {
    const env = { HTTP_PROXY: "http://p:1", NO_PROXY: "[::1]" };
    expect(route(env, "http://[::1]:8080/")).toBe("");
  });

  test("config.proxy replaces the variables (NO_PROXY still applies); false turns proxies off", () => {
    const env = { HTTPS_PROXY: "http://s:1", NO_PROXY: "local.example" };
    expect(route(env, "https://fal.run/", "http://mine:3128")).toBe("http://mine:3128");
    expect(route(env, "http://fal.run/", "http://mine:3128")).toBe("http://mine:3128");
    expect(route(env, "https://local.example/", "http://mine:3128")).toBe("");
    expect(route(env, "https://fal.run/", false)).toBe("");
  });

  test("a variable that is not an http(s) URL is an error naming it, without its password", () => {
    expect(() => proxySettings(undefined, { HTTPS_PROXY: "socks5://u:secret@h:1" })).toThrow(
      'fal-native: HTTPS_PROXY must be an http:// or https:// proxy URL, got "socks5://u:***@h:1"',
    );
    expect(() => proxySettings(undefined, { http_proxy: "not a url" })).toThrow("fal-native: http_proxy must be an http:// or https:// proxy URL");
  });

  test("config.proxy is checked when the client is made", () => {
    expect(checkProxyOption("https://corp:3128")).toBe("https://corp:3128");
    expect(checkProxyOption(false)).toBe(false);
    expect(() => checkProxyOption(true)).toThrow("fal-native: config.proxy must be an http(s) proxy URL or false, got true");
    expect(() => checkProxyOption("")).toThrow("config.proxy must be an http(s) proxy URL or false");
    expect(() => createFalClient({ proxy: "ftp://x" })).toThrow("fal-native: config.proxy must be an http:// or https:// proxy URL");
  });

  test("passwords never reach messages", () => {
    expect(redactProxyUrl("http://user:hunter2@corp:3128")).toBe("http://user:***@corp:3128");
    const network = new ClientNetwork({ proxy: "http://user:hunter2@corp:3128" });
    const hint = network.explain(7, "ECONNREFUSED", "https://fal.run/x");
    expect(hint).toContain("http://user:***@corp:3128 (from config.proxy)");
    expect(hint).not.toContain("hunter2");
  });
});

describe("trust store", () => {
  const ca = fs.readFileSync(path.join(__dirname, "..", "fixtures", "test-ca.pem"), "utf8");

  test("Node's store holds Node's bundled roots", () => {
    const store = nodeTrustStore();
    expect(store.origin).toBe("node");
    expect(store.count).toBeGreaterThanOrEqual(tls.rootCertificates.length);
    for (const root of tls.rootCertificates.slice(0, 5)) expect(store.pem).toContain(root);
  });

  // Node reads NODE_EXTRA_CA_CERTS once at startup, and so does fal-native: a child per case.
  const storeInChild = (env) => {
    const script = `const { nodeTrustStore } = require(${JSON.stringify(path.join(__dirname, "../../dist/lib/network/trust-store"))});
      const s = nodeTrustStore(); process.stdout.write(JSON.stringify({ count: s.count, problem: s.extraCertsProblem, pem: s.pem }));`;
    const childEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { env: childEnv, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  };

  test("NODE_EXTRA_CA_CERTS adds its certificates to Node's roots", () => {
    const file = path.join(os.tmpdir(), `fal-native-extra-${process.pid}.pem`);
    fs.writeFileSync(file, ca);
    try {
      const plain = storeInChild({ NODE_EXTRA_CA_CERTS: undefined });
      const extra = storeInChild({ NODE_EXTRA_CA_CERTS: file });
      expect(extra.count).toBe(plain.count + 1);
      expect(extra.pem).toContain(ca.trim());
      expect(extra.problem).toBeUndefined();
    } finally {
      fs.unlinkSync(file);
    }
  });

  test("a NODE_EXTRA_CA_CERTS that cannot be used is named with the reason and the fix", () => {
    const missing = storeInChild({ NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" });
    expect(missing.problem).toBe(
      "NODE_EXTRA_CA_CERTS=/nonexistent/ca.pem could not be read (ENOENT); point it at a PEM file of CA certificates or unset it",
    );
    const notPem = path.join(os.tmpdir(), `fal-native-notpem-${process.pid}.txt`);
    fs.writeFileSync(notPem, "hello");
    try {
      expect(storeInChild({ NODE_EXTRA_CA_CERTS: notPem }).problem).toContain(`NODE_EXTRA_CA_CERTS=${notPem} holds no PEM certificate`);
    } finally {
      fs.unlinkSync(notPem);
    }
  });

  test("config.ca: PEM text, bytes or a list; checked entry by entry", () => {
    expect(checkCaOption(ca)).toEqual([ca.trim()]);
    expect(checkCaOption(Buffer.from(ca))).toEqual([ca.trim()]);
    expect(checkCaOption([ca, ca])).toHaveLength(2);
    expect(() => checkCaOption([])).toThrow("config.ca must hold at least one PEM certificate");
    expect(() => checkCaOption([ca, 42])).toThrow("fal-native: config.ca[1] must be PEM text (a string or bytes), got 42");
    expect(() => checkCaOption("not pem")).toThrow("fal-native: config.ca holds no PEM certificate");
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    expect(() => checkCaOption(broken)).toThrow("fal-native: config.ca holds a certificate that does not parse");
    expect(() => createFalClient({ ca: 7 })).toThrow("config.ca must be PEM text");
  });

  test("config.ca replaces Node's store; certificate errors say which store was used", () => {
    const network = new ClientNetwork({ ca: checkCaOption(ca) });
    expect(network.trust()).toMatchObject({ origin: "config.ca", count: 1 });
    expect(network.explain(60, "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "https://fal.run/")).toBe("the server's certificate is not signed by a CA in config.ca (1 certificates)");
    expect(new ClientNetwork().explain(60, "SELF_SIGNED_CERT_IN_CHAIN", "https://fal.run/")).toContain("set NODE_EXTRA_CA_CERTS=<PEM file> or pass config({ ca })");
    expect(new ClientNetwork().explain(7, "ECONNREFUSED", "https://fal.run/")).toBe("");
    expect(network.explain(60, "ERR_TLS_CERT_ALTNAME_INVALID", "https://fal.run/")).toContain("valid for other host names");
  });
});

describe("trust store file (system-libcurl builds)", () => {
  test("written once per store, private, and removed when the process exits", () => {
    const script = `const { trustStoreFile } = require(${JSON.stringify(path.join(__dirname, "../../dist/lib/network/trust-file"))});
      const fs = require("fs");
      const a = trustStoreFile("PEM A"), again = trustStoreFile("PEM A"), b = trustStoreFile("PEM B");
      console.log(JSON.stringify({ a, b, same: a === again, text: fs.readFileSync(a, "utf8"), mode: fs.statSync(a).mode & 0o777 }));`;
    const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
    expect(out).toMatchObject({ same: true, text: "PEM A", mode: 0o600 });
    expect(out.b).not.toBe(out.a);
    expect(fs.existsSync(out.a)).toBe(false);
    expect(fs.existsSync(path.dirname(out.b))).toBe(false);
  });
});
