// Finds and loads the compiled addon (.node); lib/native/binding.ts types what it exports.
//
// Where it looks, in order (node-gyp-build's layout, so a local build always wins over the shipped one):
//   $FAL_NATIVE_BINARY                        only this file, when set
//   build/Release/fal_native.node             built here from source (`npm run build:native`)
//   build/Debug/fal_native.node
//   prebuilds/<platform>-<arch>/fal-native.napi[.glibc|.musl].node   shipped in the npm tarball
// Nothing is built or downloaded at install time. When nothing loads, the error says what was tried,
// why each failed, and the commands that fix it.
import * as fs from "fs";
import * as path from "path";
import { describeLoadFailure, type LoadAttempt } from "./load-error";

const PACKAGE_ROOT = path.join(__dirname, "..", "..", "..");

let cached: unknown;

/** Loads the addon once per JS environment (each worker thread gets its own instance). */
export function loadAddonBinary(): unknown {
  if (cached) return cached;
  cached = loadFirstAddon(addonCandidates()).addon;
  return cached;
}

/** "glibc" or "musl" on Linux (a glibc binary must never be tried on musl), undefined elsewhere. */
export function detectLibc(): "glibc" | "musl" | undefined {
  if (process.platform !== "linux") return undefined;
  if (typeof process.report?.getReport === "function") {
    const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
    return report.header?.glibcVersionRuntime ? "glibc" : "musl";
  }
  // Embedders without process.report: only musl installs a loader named /lib/ld-musl-<arch>.so.1.
  try {
    return fs.readdirSync("/lib").some((name) => name.startsWith("ld-musl-")) ? "musl" : "glibc";
  } catch {
    return "glibc";
  }
}

/** The prebuilt binary's path for this platform; native/tools/prebuild.js writes the same name. */
export function prebuildPath(root: string, platform: string, arch: string, libc?: string): string {
  const tags = libc ? `napi.${libc}` : "napi";
  return path.join(root, "prebuilds", `${platform}-${arch}`, `fal-native.${tags}.node`);
}

/** A file to try, or a function naming it when it is reached (the libc check costs a few ms). */
export type AddonCandidate = string | (() => string);

/** The files to try, best first. */
export function addonCandidates(root = PACKAGE_ROOT, env: NodeJS.ProcessEnv = process.env): AddonCandidate[] {
  const override = env.FAL_NATIVE_BINARY;
  if (override) return [path.resolve(override)];
  return [
    path.join(root, "build", "Release", "fal_native.node"),
    path.join(root, "build", "Debug", "fal_native.node"),
    () => prebuildPath(root, process.platform, process.arch, detectLibc()),
  ];
}

/**
 * Loads the first candidate that loads. `load` is injectable so the failure message can be tested
 * without broken binaries. Throws an Error whose message is the fix-it text.
 */
export function loadFirstAddon(
  candidates: AddonCandidate[],
  load: (file: string) => unknown = require,
): { addon: unknown; file: string } {
  const attempts: LoadAttempt[] = [];
  for (const candidate of candidates) {
    const file = typeof candidate === "function" ? candidate() : candidate;
    try {
      return { addon: load(file), file };
    } catch (error) {
      attempts.push({ file, error: error as Error });
    }
  }
  throw new Error(
    describeLoadFailure(attempts, {
      packageRoot: PACKAGE_ROOT,
      target: `${process.platform}-${process.arch}${process.platform === "linux" ? `-${detectLibc()}` : ""}`,
    }),
  );
}
