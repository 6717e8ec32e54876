// Finds and loads the compiled addon (.node); lib/native.ts types what it exports.
import * as path from "path";

let cached: unknown;

/** Loads the addon once per JS environment (each worker thread gets its own instance). */
export function loadAddonBinary(): unknown {
  if (cached) return cached;
  const candidates = [
    path.join(__dirname, "..", "..", "build", "Release", "fal_native.node"),
    path.join(__dirname, "..", "..", "build", "Debug", "fal_native.node"),
  ];
  const errors: string[] = [];
  for (const file of candidates) {
    try {
      cached = require(file);
      return cached;
    } catch (err) {
      errors.push(`${file}: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  throw new Error(
    "fal-native: could not load the native addon.\n" +
      errors.map((e) => `  tried ${e}`).join("\n") +
      "\nBuild it with `npm run build` (needs cmake, a C++17 compiler, libcurl4-openssl-dev and " +
      "libsimdjson-dev; `npm run setup` installs them on Debian/Ubuntu).",
  );
}
