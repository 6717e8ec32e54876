// The package version, read from package.json next to dist/ (or lib/ when run from source).
import * as fs from "fs";
import * as path from "path";

export function cliVersion(): string {
  for (const candidate of [path.join(__dirname, "..", "..", "..", "package.json"), path.join(__dirname, "..", "..", "package.json")]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8"));
      if (pkg.name === "fal-native" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "unknown";
}
