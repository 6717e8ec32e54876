// What fal-native's TLS trusts: exactly what Node trusts, handed to the native client as one PEM
// text that it parses once and shares with every connection. Nothing is read from a CA file at
// request time, so a slim container without ca-certificates works as it does for Node itself.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as tls from "node:tls";
import { describeValue } from "../api/validate";

export type TrustStore = {
  /** Every trusted certificate as one PEM text (what the native client parses). */
  pem: string;
  /** How many certificates that is. */
  count: number;
  /** "node": Node's own default store; "config.ca": the user's `ca` option, which replaces it. */
  origin: "node" | "config.ca";
  /** Set when NODE_EXTRA_CA_CERTS names something that added no certificate, and why. */
  extraCertsProblem?: string;
};

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function pemCertificates(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

type ExtraCerts = { certificates: string[]; problem?: string };

/**
 * The certificates of NODE_EXTRA_CA_CERTS, read once, or why it contributes nothing. Node itself
 * only prints a warning at startup and goes on without the file; fal-native does the same but
 * names the problem in every certificate error, where the user is looking.
 */
function readExtraCerts(): ExtraCerts {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return { certificates: [] };
  let text: string;
  try {
    text = fs.readFileSync(file, "latin1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    return { certificates: [], problem: `NODE_EXTRA_CA_CERTS=${file} could not be read (${code}); point it at a PEM file of CA certificates or unset it` };
  }
  const certificates = pemCertificates(text);
  if (certificates.length === 0) {
    return { certificates, problem: `NODE_EXTRA_CA_CERTS=${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----" blocks); convert it to PEM or unset it` };
  }
  return { certificates };
}

type GetCACertificates = (type?: "default" | "system" | "bundled" | "extra") => string[];

/**
 * Node's default trust store. Node 22.15 / 23.5 and later say exactly what it is (bundled roots,
 * NODE_EXTRA_CA_CERTS, and the system store under --use-system-ca / NODE_USE_SYSTEM_CA=1). Older
 * versions have only the bundled roots to show, so the extra file is added as Node adds it.
 */
function nodeDefaultCertificates(extra: ExtraCerts): string[] {
  const getCACertificates = (tls as { getCACertificates?: GetCACertificates }).getCACertificates;
  if (typeof getCACertificates === "function") return getCACertificates("default");
  return [...tls.rootCertificates, ...extra.certificates];
}

function storeOf(certificates: string[], origin: TrustStore["origin"], extraProblem?: string): TrustStore {
  const store: TrustStore = { pem: `${certificates.join("\n")}\n`, count: certificates.length, origin };
  if (extraProblem !== undefined) store.extraCertsProblem = extraProblem;
  return store;
}

let nodeStore: TrustStore | undefined;

/**
 * Node's trust store, read once per process: Node itself reads NODE_EXTRA_CA_CERTS only at
 * startup, so later changes to the variable change nothing for either.
 */
export function nodeTrustStore(): TrustStore {
  if (!nodeStore) {
    const extra = readExtraCerts();
    nodeStore = storeOf(nodeDefaultCertificates(extra), "node", extra.problem);
  }
  return nodeStore;
}

/** Internal, for tests: forget the cached Node store. */
export function resetNodeTrustStore(): void {
  nodeStore = undefined;
}

export type CaOption = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/**
 * Validates config `ca` (PEM text or bytes, or a list of them, as Node's `tls` `ca` option) and
 * returns its certificates. Like Node's option, it replaces the default store: users who pin their
 * own CA trust nothing else.
 */
export function checkCaOption(ca: unknown): string[] {
  const entries = Array.isArray(ca) ? ca : [ca];
  if (entries.length === 0) throw new TypeError("fal-native: config.ca must hold at least one PEM certificate, got an empty list");
  const certificates: string[] = [];
  entries.forEach((entry, index) => {
    const where = Array.isArray(ca) ? `config.ca[${index}]` : "config.ca";
    if (typeof entry !== "string" && !(entry instanceof Uint8Array)) {
      throw new TypeError(`fal-native: ${where} must be PEM text (a string or bytes), got ${describeValue(entry)}`);
    }
    const text = typeof entry === "string" ? entry : Buffer.from(entry).toString("latin1");
    const found = pemCertificates(text);
    if (found.length === 0) {
      throw new TypeError(`fal-native: ${where} holds no PEM certificate ("-----BEGIN CERTIFICATE-----" block)`);
    }
    for (const pem of found) {
      try {
        new crypto.X509Certificate(pem);
      } catch (error) {
        throw new TypeError(`fal-native: ${where} holds a certificate that does not parse: ${(error as Error).message}`);
      }
    }
    certificates.push(...found);
  });
  return certificates;
}

/** The store a client uses: its own `ca` when given (already checked), else Node's. */
export function trustStoreFor(ca: readonly string[] | undefined): TrustStore {
  return ca === undefined ? nodeTrustStore() : storeOf([...ca], "config.ca");
}
