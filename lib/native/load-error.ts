// Turns "the addon did not load" into a message a person can act on: what was tried, why each file
// failed (in words, from the dynamic loader's message), and the commands that fix it.
import * as path from "path";

export interface LoadAttempt {
  file: string;
  error: Error & { code?: string };
}

export interface LoadFailureContext {
  /** The fal-native package directory (where `npm run build:native` works). */
  packageRoot: string;
  /** e.g. "linux-x64-glibc": the platform a prebuilt binary would have to match. */
  target: string;
}

/** Package names that provide a missing shared library, for the libraries the addon links. */
const RUNTIME_PACKAGES: Record<string, string[]> = {
  "libcurl.so.4": [
    "Debian/Ubuntu: sudo apt-get install -y libcurl4",
    "Fedora/RHEL:   sudo dnf install -y libcurl",
    "Alpine:        sudo apk add libcurl",
  ],
  "libstdc++.so.6": ["Debian/Ubuntu: sudo apt-get install -y libstdc++6", "Fedora/RHEL:   sudo dnf install -y libstdc++"],
  "libgcc_s.so.1": ["Debian/Ubuntu: sudo apt-get install -y libgcc-s1", "Fedora/RHEL:   sudo dnf install -y libgcc"],
};

interface Diagnosis {
  reason: string;
  /** Something to install or upgrade that makes this same file load; undefined: rebuild instead. */
  fix?: string[];
}

function firstLine(error: Error): string {
  return String(error?.message ?? error).split("\n")[0];
}

function diagnose(attempt: LoadAttempt): Diagnosis {
  const message = firstLine(attempt.error);
  if (attempt.error?.code === "MODULE_NOT_FOUND" || /^Cannot find module/.test(message)) {
    return { reason: "not there" };
  }
  const missingLibrary = /([\w+.-]+\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLibrary) {
    const library = missingLibrary[1];
    return {
      reason: `needs the shared library ${library}, which is not installed (${message})`,
      fix: [
        `Install the package that provides ${library}:`,
        ...(RUNTIME_PACKAGES[library] ?? [`(search your distribution's packages for ${library})`]),
      ],
    };
  }
  const missingVersion = /version `([^']+)' not found/.exec(message);
  if (missingVersion) {
    const version = missingVersion[1];
    const what = version.startsWith("GLIBC_")
      ? `glibc ${version.slice(6)} or newer`
      : /^(GLIBCXX|CXXABI)_/.test(version)
        ? `a newer libstdc++ (${version}, GCC 11 or later)`
        : `a libcurl built with the ${version} symbol versions (Debian/Ubuntu's libcurl4)`;
    return { reason: `needs ${what}; this system has an older or different one (${message})` };
  }
  if (/file too short|invalid ELF header|wrong ELF class|ELF file's machine|not a valid Win32|not valid mach-o/.test(message)) {
    return { reason: `not a native binary for this platform (${message})` };
  }
  return { reason: message };
}

function buildFromSourceSteps(packageRoot: string): string[] {
  const installed = packageRoot.split(path.sep).includes("node_modules");
  if (!installed) {
    // A checkout of the fal-native repository: its own scripts install and build everything.
    return ["npm run setup        (Debian/Ubuntu: installs the build tools, then builds)", "npm run build"];
  }
  return [
    "npm install --save-dev cmake-js node-addon-api @nozbe/simdjson@3.9.4   (in your project)",
    "then, against this system's libcurl (any OS; needs cmake, a C++17 compiler and libcurl's headers,",
    "e.g. sudo apt-get install -y cmake g++ make libcurl4-openssl-dev):",
    `  npm run build:native:system --prefix "${packageRoot}"`,
    "or, with libcurl and OpenSSL compiled in as in the prebuilt binaries (Debian/Ubuntu, as root):",
    `  npm run build:native --prefix "${packageRoot}"`,
  ];
}

/** The whole message for an Error thrown when no candidate loaded. */
export function describeLoadFailure(attempts: LoadAttempt[], context: LoadFailureContext): string {
  const diagnoses = attempts.map(diagnose);
  const lines = [`fal-native: could not load its native addon (${context.target}). Tried:`];
  attempts.forEach((attempt, i) => lines.push(`  ${attempt.file}: ${diagnoses[i].reason}`));

  if (attempts.length > 0 && diagnoses.every((d) => d.reason === "not there")) {
    lines.push(`There is no prebuilt binary for ${context.target} in this package, and it was not built from source.`);
  }
  lines.push("How to fix it:");
  const seen = new Set<string>();
  for (const { fix } of diagnoses) {
    if (!fix || seen.has(fix[0])) continue;
    seen.add(fix[0]);
    lines.push(`  ${fix[0]}`, ...fix.slice(1).map((step) => `    ${step}`));
  }
  lines.push(
    `  ${seen.size > 0 ? "Or build" : "Build"} the addon from source:`,
    ...buildFromSourceSteps(context.packageRoot).map((step) => `    ${step}`),
    "  (FAL_NATIVE_BINARY=/path/to/fal_native.node loads a binary from elsewhere.)",
  );
  return lines.join("\n");
}
