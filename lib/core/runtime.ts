// Runtime facts: browser detection and our User-Agent.
import * as fs from "fs";
import * as path from "path";

export function isBrowser(): boolean {
  return typeof window !== "undefined" && typeof (window as any).document !== "undefined";
}

let packageVersion: string | undefined;

/** Our version from package.json (compiled: dist/lib/core/; run from source: lib/core/). */
export function getPackageVersion(): string {
  if (packageVersion !== undefined) return packageVersion;
  packageVersion = "0.0.0";
  for (const file of [path.join(__dirname, "..", "..", "..", "package.json"), path.join(__dirname, "..", "..", "package.json")]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (pkg.name === "fal-native" && typeof pkg.version === "string") {
        packageVersion = pkg.version;
        break;
      }
    } catch {
      // try the next candidate
    }
  }
  return packageVersion!;
}

/** Sent as User-Agent; says which official client we stand in for. */
export function getUserAgent(): string {
  return `fal-native/${getPackageVersion()} (@fal-ai/client-compatible)`;
}
