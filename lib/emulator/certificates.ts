// TLS material for `startEmulator({ tls })`: a fresh CA and a server certificate signed by it,
// made at start in memory (nothing is cached across processes), or the caller's own key/cert.
// The CA's PEM is written to a file so child processes can trust it through
// NODE_EXTRA_CA_CERTS; that file is removed on close() unless the caller chose its path.
//
// Library: @peculiar/x509. It is maintained (2.x, 2026), builds certificates on WebCrypto, so
// ECDSA P-256 keys are generated natively in a few milliseconds, and it signs a leaf with another
// certificate's key (a real CA + leaf chain, with SANs, key usages and key identifiers).
// node-forge signs certificates with RSA keys only (RSA-2048 keygen alone is tens to hundreds of
// ms); selfsigned is a wrapper around @peculiar/x509 aimed at single self-signed certificates.
// Its one wart: it needs a global Reflect metadata polyfill (reflect-metadata), so both are
// loaded lazily, only when TLS is asked for.

import { randomBytes, randomUUID, webcrypto } from "node:crypto";
import { promises as fs } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface EmulatorTlsOptions {
  /** Write the CA certificate (PEM) here; the file is left in place on close(). */
  caFile?: string;
  /**
   * Directory for the CA file when `caFile` is not given (default os.tmpdir()). The file gets a
   * unique name and is removed on close().
   */
  certDir?: string;
  /**
   * Names and IP addresses the generated server certificate is valid for (default
   * ["127.0.0.1", "::1", "localhost"]). Give e.g. ["wrong.example"] to test that a client
   * refuses a certificate for another host.
   */
  hostnames?: string[];
  /** Bring your own server key and certificate (PEM) instead of generating them. */
  key?: string | Buffer;
  cert?: string | Buffer;
  /** The CA that signed `cert` (PEM; default: `cert` itself, for a self-signed one). */
  ca?: string | Buffer;
}

export const DEFAULT_HOSTNAMES = ["127.0.0.1", "::1", "localhost"];

export interface TlsMaterial {
  key: string;
  cert: string;
  caPem: string;
  caFile: string;
  /** Removes the CA file if the emulator created it. */
  dispose(): Promise<void>;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function prepareTls(options: EmulatorTlsOptions): Promise<TlsMaterial> {
  const pems = options.key !== undefined || options.cert !== undefined ? givenPems(options) : await generatePems(options.hostnames ?? DEFAULT_HOSTNAMES);
  const ownFile = options.caFile === undefined;
  const caFile = options.caFile ?? join(options.certDir ?? tmpdir(), `fal-emulator-ca-${process.pid}-${randomUUID().slice(0, 8)}.pem`);
  // A CA certificate is public: readable by everyone, like the system bundle.
  await fs.writeFile(caFile, pems.caPem, { mode: 0o644 });
  let disposed = false;
  return {
    ...pems,
    caFile,
    async dispose() {
      if (disposed || !ownFile) return;
      disposed = true;
      await fs.rm(caFile, { force: true });
    },
  };
}

function givenPems(options: EmulatorTlsOptions): { key: string; cert: string; caPem: string } {
  if (options.key === undefined || options.cert === undefined) throw new Error("tls.key and tls.cert must be given together");
  const cert = options.cert.toString();
  return { key: options.key.toString(), cert, caPem: (options.ca ?? cert).toString() };
}

type X509 = typeof import("@peculiar/x509");

function loadX509(): X509 {
  require("reflect-metadata");
  const x509 = require("@peculiar/x509") as X509;
  // Node's own WebCrypto (global `crypto` is missing on Node 18 without a flag).
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  return x509;
}

async function generatePems(hostnames: string[]): Promise<{ key: string; cert: string; caPem: string }> {
  if (hostnames.length === 0) throw new Error("tls.hostnames must name at least one host");
  const x509 = loadX509();
  const subtle = webcrypto.subtle;
  // A minute of slack for clocks; a week is plenty for an emulator that lives one process.
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 7 * DAY_MS);
  const serial = () => randomBytes(8).toString("hex").replace(/^[89a-f]/, "1");
  const tag = randomUUID().slice(0, 8);

  const caKeys = (await subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=fal-native emulator CA ${tag}, O=fal-native emulator`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const serverKeys = (await subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const names = hostnames.map((name) => (isIP(name) ? { type: "ip" as const, value: name } : { type: "dns" as const, value: name }));
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${hostnames[0]}, O=fal-native emulator`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
    ],
  });

  const pkcs8 = await subtle.exportKey("pkcs8", serverKeys.privateKey);
  return { key: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"), cert: leaf.toString("pem"), caPem: ca.toString("pem") };
}
