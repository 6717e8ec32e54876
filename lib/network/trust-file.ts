// The trust store as a file, for builds against the host's libcurl only. That libcurl offers no
// way to share a parsed store except its CA cache, which it keeps per client for a CA *file*
// (CURLOPT_CAINFO, curl >= 7.87); handed PEM text instead, it re-parses it for every connection.
// The bundled stack never needs this: it shares one parsed OpenSSL store across all connections.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const files = new Map<string, string>();
let cleanupRegistered = false;

function removeAll(): void {
  for (const file of files.values()) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  files.clear();
}

/** A private file holding `pem`, written once per process and removed when the process exits. */
export function trustStoreFile(pem: string): string {
  let file = files.get(pem);
  if (file === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-ca-"));
    file = path.join(dir, "trust.pem");
    fs.writeFileSync(file, pem, { mode: 0o600 });
    files.set(pem, file);
    if (!cleanupRegistered) {
      cleanupRegistered = true;
      process.once("exit", removeAll);
    }
  }
  return file;
}
