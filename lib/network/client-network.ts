// The network settings of one client: the trust store it hands to its native client, the proxy of
// each request, and the hint added to transport errors that those settings explain.
import type { Agent } from "node:http";
import { HttpsProxyAgent } from "https-proxy-agent";
import type { TrustStore } from "./trust-store";
import { trustStoreFor } from "./trust-store";
import { describeProxy, proxyFor, proxySettings, type ProxyOption, type ProxySettings } from "./proxy";

export type NetworkOptions = {
  /** config.ca, already checked: the only certificates trusted. Unset: Node's trust store. */
  ca?: readonly string[];
  proxy?: ProxyOption;
  /** config.maxConnectionsPerHost, already checked. Unset: the native default (32). */
  maxConnectionsPerHost?: number;
};

// curl codes whose cause the network settings explain (see native/retry.cc for their Node codes).
const CURLE_COULDNT_RESOLVE_PROXY = 5;
const CURLE_SSL_CONNECT_ERROR = 35;
const CURLE_PEER_FAILED_VERIFICATION = 60;

// A client talks to a handful of origins; past this many distinct ones the cache starts over.
const MAX_CACHED_ORIGINS = 256;
// "https://host:port" of a serialized http(s) URL (lower-case scheme, nothing but the authority
// after it); anything else misses the cache and is parsed.
const ORIGIN_PREFIX = /^https?:\/\/[^/?#\\]*(?=[/?#]|$)/;

export class ClientNetwork {
  private trustStore: TrustStore | undefined;
  private proxies: ProxySettings | undefined;
  private readonly proxyByOrigin = new Map<string, string>();
  private readonly proxyAgents = new Map<string, Agent>();

  constructor(private readonly options: NetworkOptions = {}) {}

  /** config.maxConnectionsPerHost, when the user set it. */
  get maxConnectionsPerHost(): number | undefined {
    return this.options.maxConnectionsPerHost;
  }

  /** Read on first use (the first request), as fetch reads its environment when it starts. */
  trust(): TrustStore {
    this.trustStore ??= trustStoreFor(this.options.ca);
    return this.trustStore;
  }

  private proxySettings(): ProxySettings {
    this.proxies ??= proxySettings(this.options.proxy);
    return this.proxies;
  }

  /** The proxy for a request to `url`, "" for a direct connection. */
  proxyFor(url: string): string {
    // Cached by the URL's text up to its path: the specs hand over serialized URLs, whose prefix
    // names scheme, userinfo, host and port exactly, so a hit needs no URL parse.
    const prefix = ORIGIN_PREFIX.exec(url)?.[0];
    let proxy = prefix === undefined ? undefined : this.proxyByOrigin.get(prefix);
    if (proxy !== undefined) return proxy;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return ""; // not a URL: the native side refuses it with its own error
    }
    proxy = proxyFor(this.proxySettings(), parsed);
    if (prefix !== undefined) {
      if (this.proxyByOrigin.size >= MAX_CACHED_ORIGINS) this.proxyByOrigin.clear();
      this.proxyByOrigin.set(prefix, proxy);
    }
    return proxy;
  }

  /**
   * Options for a `ws` WebSocket to `url`, so it follows the same proxy rule and trusts the same
   * CAs as the native engine. With Node's own store nothing is passed: Node's TLS uses it already.
   */
  webSocketOptions(url: string): { agent?: Agent; ca?: string[] } {
    const options: { agent?: Agent; ca?: string[] } = {};
    if (this.options.ca !== undefined) options.ca = [...this.options.ca];
    const proxy = this.proxyFor(url);
    if (proxy) {
      let agent = this.proxyAgents.get(proxy);
      if (agent === undefined) {
        // CONNECT tunnel through the proxy; ws then runs TLS to the service inside it (with `ca`).
        agent = new HttpsProxyAgent(proxy, options.ca ? { ca: options.ca } : {});
        this.proxyAgents.set(proxy, agent);
      }
      options.agent = agent;
    }
    return options;
  }

  /**
   * The sentence to add to a transport error's message when the trust store or a proxy explains
   * it, and how to fix it; "" otherwise.
   */
  explain(curlCode: number, code: string, url: string): string {
    const proxy = url ? this.proxyFor(url) : "";
    const hints: string[] = [];
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
      hints.push("the server's certificate is valid for other host names; check the URL (and base-URL overrides)");
    } else if (curlCode === CURLE_PEER_FAILED_VERIFICATION) {
      const trust = this.trust();
      if (trust.origin === "config.ca") {
        hints.push(`the server's certificate is not signed by a CA in config.ca (${trust.count} certificates)`);
      } else {
        hints.push(
          "fal-native trusts what Node trusts: its bundled roots, NODE_EXTRA_CA_CERTS, and the system store " +
            "under --use-system-ca; to trust a private CA, set NODE_EXTRA_CA_CERTS=<PEM file> or pass config({ ca })",
        );
        if (trust.extraCertsProblem) hints.push(trust.extraCertsProblem);
      }
    }
    if (proxy) {
      const through = describeProxy(this.proxySettings(), proxy);
      if (curlCode === CURLE_COULDNT_RESOLVE_PROXY) hints.push(`${through} could not be resolved`);
      else if (curlCode === CURLE_SSL_CONNECT_ERROR || curlCode === CURLE_PEER_FAILED_VERIFICATION) hints.push(`the connection went through ${through}`);
      else hints.push(`the request went through ${through}: check that it is reachable, or exclude the host with NO_PROXY`);
    }
    return hints.join("; ");
  }
}
