// fal-native doctor: what a user needs before the first call, checked one by one, each failure
// with its fix. Nothing secret is printed (the key's shape only).
import * as tls from "node:tls";
import { stringOption } from "../args";
import type { Command } from "../command";
import { credentialsFromEnv } from "../../core/config";
import { CONNECTION_OPTIONS, emulatorBaseUrls } from "../connection";
import { EXIT } from "../exit-codes";
import { addonCandidates, loadFirstAddon } from "../../native/loader";
import type { NativeAddon } from "../../native/binding";
import { Engine } from "../../native/engine";
import { requestSpec } from "../../native/spec";
import { ClientNetwork } from "../../network/client-network";
import { describeProxy, proxyFor, proxySettings, redactProxyUrl } from "../../network/proxy";
import { nodeTrustStore } from "../../network/trust-store";
import { resolveBaseUrls } from "../../core/urls";

type Check = { name: string; ok: boolean; detail: string; fix?: string };

const HOST_TIMEOUT_MS = 10_000;
const NO_RETRY = { maxRetries: 0, baseDelay: 0, maxDelay: 0, backoffMultiplier: 1, enableJitter: false, retryableStatusCodes: [] };

function checkBinary(): Check {
  try {
    const { addon, file } = loadFirstAddon(addonCandidates());
    const { curlVersion, networkStack } = addon as NativeAddon;
    return { name: "native binary", ok: true, detail: `${file} (${networkStack} network stack: ${curlVersion})` };
  } catch (error) {
    return { name: "native binary", ok: false, detail: (error as Error).message.split("\n")[0], fix: (error as Error).message.split("\n").slice(1).join("\n") };
  }
}

function checkTrust(): Check {
  const store = nodeTrustStore();
  const extra = store.count - tls.rootCertificates.length;
  const detail = `${store.count} CA certificates: Node's ${tls.rootCertificates.length} bundled roots` +
    (extra > 0 ? ` + ${extra} from NODE_EXTRA_CA_CERTS or the system store` : "");
  if (store.extraCertsProblem) return { name: "TLS trust store", ok: false, detail, fix: store.extraCertsProblem };
  return { name: "TLS trust store", ok: true, detail };
}

function checkProxy(urls: string[]): Check {
  try {
    const settings = proxySettings(undefined);
    const routes = urls.map((url) => {
      const proxy = proxyFor(settings, url);
      return `${new URL(url).host} ${proxy ? `through ${describeProxy(settings, proxy)}` : "direct"}`;
    });
    return { name: "proxy", ok: true, detail: routes.join(", ") };
  } catch (error) {
    return { name: "proxy", ok: false, detail: redactProxyUrl((error as Error).message), fix: "set HTTP(S)_PROXY to an http:// or https:// URL, or unset it" };
  }
}

function checkKey(key: string | undefined, emulator: boolean): Check {
  // The key a call would send: --key, else the environment as the client reads it.
  const value = key ?? credentialsFromEnv();
  const source = key !== undefined ? "--key" : process.env.FAL_KEY !== undefined ? "FAL_KEY" : "FAL_KEY_ID/FAL_KEY_SECRET";
  if (!value) {
    if (emulator) return { name: "API key", ok: true, detail: "none set (the emulator accepts a placeholder)" };
    return { name: "API key", ok: false, detail: "not set", fix: "export FAL_KEY=<a key from your fal dashboard> (or FAL_KEY_ID and FAL_KEY_SECRET)" };
  }
  const [id, secret] = value.split(":");
  const shaped = !/\s/.test(value) && value.split(":").length === 2 && Boolean(id) && Boolean(secret);
  const detail = `set by ${source}, ${value.length} characters${shaped ? ", id:secret form" : ""}`;
  if (!shaped) return { name: "API key", ok: false, detail, fix: "a fal key looks like <key id>:<key secret>, without spaces; copy it again from the dashboard" };
  return { name: "API key", ok: true, detail };
}

async function checkHost(engine: Engine, service: string, url: string): Promise<Check> {
  const started = Date.now();
  const spec = requestSpec({ method: "GET", url, headers: {}, retry: NO_RETRY, timeout: HOST_TIMEOUT_MS });
  const record = await engine.request(spec);
  const ms = Date.now() - started;
  if (record.type === "response") return { name: `${service} host`, ok: true, detail: `${url} answered HTTP ${record.response.status} in ${ms} ms` };
  const message = record.type === "error" ? `${record.curlText || record.message}${record.hint ? ` (${record.hint})` : ""}` : record.type;
  return { name: `${service} host`, ok: false, detail: `${url}: ${message}`, fix: "check the network, the proxy settings above, and any FAL_*_URL override" };
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check the binary, TLS trust, proxy, key and fal hosts before the first call",
  usage: ["doctor [--emulator URL] [--key KEY]"],
  description:
    "Checks, one line each: which native binary loads and from where, the TLS trust store, the proxy\n" +
    "each fal host is reached through, the API key's presence and shape (never printed), and that\n" +
    "each fal host (or the emulator) answers. Every failure comes with a fix; exit 1 if any failed.",
  optionGroups: [{ title: "Connection", options: { key: CONNECTION_OPTIONS.key, emulator: CONNECTION_OPTIONS.emulator } }],
  positionals: { min: 0, max: 0, names: [] },
  examples: ["fal-native doctor", "fal-native doctor --emulator http://127.0.0.1:8787"],
  async run(ctx) {
    const key = stringOption(ctx.args.values, "key");
    const emulator = stringOption(ctx.args.values, "emulator");
    const bases = resolveBaseUrls(emulator !== undefined ? emulatorBaseUrls(emulator) : {});
    const checks: Check[] = [checkBinary(), checkTrust(), checkProxy(Object.values(bases)), checkKey(key, emulator !== undefined)];
    if (checks[0].ok) {
      const engine = new Engine(new ClientNetwork());
      for (const [service, url] of Object.entries(bases)) checks.push(await checkHost(engine, service, url));
    }
    for (const check of checks) {
      ctx.io.stdout.write(`${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}\n`);
      if (!check.ok && check.fix) ctx.io.stdout.write(`     fix: ${check.fix.replace(/\n/g, "\n          ")}\n`);
    }
    return checks.every((check) => check.ok) ? EXIT.OK : EXIT.API_ERROR;
  },
};
