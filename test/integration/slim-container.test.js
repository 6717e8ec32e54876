// Where users run fal-native: a slim Debian container with neither libcurl nor ca-certificates
// (debootstrap --variant=minbase bookworm, entered with chroot; see test/environments/rootfs.js).
// The published tarball is installed into it with npm, and node inside the container must load
// the shipped prebuild and talk HTTPS to the emulator on the host (same network namespace),
// trusting exactly what Node trusts: its built-in roots plus NODE_EXTRA_CA_CERTS.
//
// Also here: what the shipped binaries in prebuilds/ ask of the host (only the C/C++ runtime,
// glibc <= 2.34), and that their TLS never binds to the OpenSSL copy inside the node executable.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { ROOT, run, runCollect, npmCli, cleanEnv, timed } = require("../environments/common");
const { makeContainer, runInContainer, mountsUnder, requireRoot } = require("../environments/rootfs");
const { packedTarball } = require("../environments/package-tarball");
const { startTlsEmulator, expectTlsEmulator, childEnv, parseExercise, expectSteps, loadedAddon, EXERCISE_SCRIPT } = require("../environments/emulator");
const elf = require("../environments/elf");

jest.setTimeout(120_000);

/** Every prebuild the package must ship (the x64 one built natively, the arm64 one cross-compiled). */
const PREBUILDS = {
  x64: path.join(ROOT, "prebuilds", "linux-x64", "fal-native.napi.glibc.node"),
  arm64: path.join(ROOT, "prebuilds", "linux-arm64", "fal-native.napi.glibc.node"),
};
const MACHINES = { x64: "Advanced Micro Devices X86-64", arm64: "AArch64" };
const SHIPPED_IN_CONTAINER = "/app/node_modules/fal-native/prebuilds/linux-x64/fal-native.napi.glibc.node";

describe("slim container (Debian bookworm minbase, no libcurl, no ca-certificates)", () => {
  let work;
  let container;
  let emu;
  let install;

  beforeAll(async () => {
    requireRoot();
    if (!fs.existsSync(PREBUILDS.x64)) throw new Error(`No prebuild at ${PREBUILDS.x64}: run \`npm run build:prebuild\` first.`);
    const started = Date.now();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-slim-"));
    let tarball;
    [container, tarball, emu] = await Promise.all([makeContainer(work), packedTarball(), startTlsEmulator()]);

    // The user's project inside the container, installed with the host's npm (the container has
    // no npm, and needs none: nothing is built at install time).
    const app = path.join(container.root, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "slim-app", version: "1.0.0", private: true }));
    const npmStarted = Date.now();
    install = await run(process.execPath, [npmCli(), "install", "--no-audit", "--no-fund", tarball], { cwd: app, env: cleanEnv() });
    timed("npm install into the container", npmStarted);
    fs.copyFileSync(EXERCISE_SCRIPT, path.join(app, "exercise.js"));
    if (emu.caFile && fs.existsSync(emu.caFile)) fs.copyFileSync(emu.caFile, path.join(container.root, "ca.pem"));
    timed("slim container setup", started);
  }, 600_000);

  afterAll(async () => {
    if (emu) await emu.close();
    // Mounts live only in the namespaces of the chrooted processes; never delete through one.
    if (work && mountsUnder(work).length === 0) fs.rmSync(work, { recursive: true, force: true });
  });

  /** Runs exercise.js in the container as a user's app would: /app, the installed package. */
  const exercise = (steps, caFile) =>
    runInContainer(container, ["/usr/local/bin/node", "exercise.js", "fal-native", steps], {
      cwd: "/app",
      env: childEnv(emu, { caFile }),
      timeout: 90_000,
    });

  test("has neither libcurl.so.4 nor a CA bundle, and runs node", async () => {
    const libraries = await runInContainer(container, ["/sbin/ldconfig", "-p"]);
    expect(libraries.code).toBe(0);
    expect(libraries.stdout).toMatch(/libc\.so\.6/); // the listing is real
    expect(libraries.stdout).not.toMatch(/libcurl/);
    for (const dir of ["usr/lib/x86_64-linux-gnu", "usr/local/lib"]) {
      expect(fs.readdirSync(path.join(container.root, dir)).filter((f) => /^libcurl/.test(f))).toEqual([]);
    }
    expect(fs.existsSync(path.join(container.root, "etc/ssl/certs/ca-certificates.crt"))).toBe(false);
    expect(fs.existsSync(path.join(container.root, "usr/share/ca-certificates"))).toBe(false);

    const version = await runInContainer(container, ["/usr/local/bin/node", "-p", "process.version + ' ' + require('fs').existsSync('/proc/self')"]);
    expect({ code: version.code, stdout: version.stdout.trim(), stderr: version.stderr }).toEqual({
      code: 0,
      stdout: `${process.version} true`,
      stderr: "",
    });
    // Which of node's own libraries minbase lacked (copied from the host); libstdc++ is in minbase.
    expect(container.copiedLibraries).not.toContain("libcurl.so.4");
  });

  test("npm installed the tarball with its prebuild and built nothing", () => {
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/install-scripts[^\n]*fal-native/);
    expect(fs.existsSync(path.join(container.root, SHIPPED_IN_CONTAINER))).toBe(true);
    expect(fs.existsSync(path.join(container.root, "app/node_modules/fal-native/build"))).toBe(false);
  });

  test("the emulator on the host serves HTTPS and names its CA file", () => {
    expectTlsEmulator(emu);
    expect(fs.readFileSync(path.join(container.root, "ca.pem"), "utf8")).toBe(fs.readFileSync(emu.caFile, "utf8"));
  });

  test("with NODE_EXTRA_CA_CERTS=/ca.pem: subscribe, stream and upload over HTTPS through the shipped prebuild", async () => {
    const started = Date.now();
    const result = await exercise("subscribe,stream,upload", "/ca.pem");
    timed("container exercise", started);
    const summary = parseExercise(result);
    // Until the addon bundles its network stack, the load fails here: libcurl.so.4 is missing.
    expectSteps(summary, emu, ["subscribe", "stream", "upload"]);
    expect(loadedAddon(summary)).toBe(SHIPPED_IN_CONTAINER);
    expect(summary.entry).toBe("/app/node_modules/fal-native/dist/lib/index.js");
    expect(new URL(summary.urls.queue).protocol).toBe("https:");
    expect(summary.nodeExtraCaCerts).toBe("/ca.pem");
  });

  test("without NODE_EXTRA_CA_CERTS the HTTPS call fails certificate verification (not a missing CA file)", async () => {
    expectTlsEmulator(emu); // over plain HTTP this test would prove nothing
    const summary = parseExercise(await exercise("subscribe"));
    expect(summary.loadError).toBeUndefined();
    const outcome = summary.steps.subscribe;
    expect(outcome.ok).toBe(false);
    const message = `${outcome.error.message} ${outcome.error.cause ?? ""}`;
    expect({ message, verification: /certificate|verify|issuer/i.test(message) }).toEqual({ message, verification: true });
    // curl's CURLE_SSL_CACERT_BADFILE ("error setting certificate file: /etc/ssl/certs/...") would
    // mean the addon still looks for the system bundle, which slim images do not have.
    expect(message).not.toMatch(/error setting certificate|certificate file|CAfile|ca-certificates\.crt|no such file/i);
    // Node's own verification codes, as https.get would report them.
    expect(["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN"]).toContain(outcome.error.code);
    expect(loadedAddon(summary)).toBe(SHIPPED_IN_CONTAINER);
  });

  test("leaves no mount behind on the host", () => {
    expect(mountsUnder(work)).toEqual([]);
  });
});

describe("the shipped binaries in prebuilds/", () => {
  test.each(Object.keys(PREBUILDS))("linux-%s exists, is built for its architecture, needs only the C/C++ runtime and glibc <= 2.34", async (arch) => {
    const file = PREBUILDS[arch];
    expect({ file, exists: fs.existsSync(file) }).toEqual({ file, exists: true });
    expect(await elf.machine(file)).toBe(MACHINES[arch]);
    const needed = await elf.neededLibraries(file);
    expect(needed.filter((lib) => !elf.ALLOWED_NEEDED.includes(lib))).toEqual([]);
    expect(needed).toContain("libc.so.6");
    const versions = await elf.requiredVersions(file);
    const glibc = elf.highestVersion(versions, "GLIBC");
    expect(glibc).toEqual(expect.any(String));
    expect({ glibc, withinFloor: elf.compareVersions(glibc, elf.GLIBC_FLOOR) <= 0 }).toEqual({ glibc, withinFloor: true });
    // Informational: the libstdc++ the binary needs (GLIBCXX_3.4.30 = GCC 12's).
    process.stderr.write(`[env] ${arch} prebuild needs ${needed.join(", ")}; glibc ${glibc}, libstdc++ GLIBCXX_${elf.highestVersion(versions, "GLIBCXX")}\n`);
  });

  test("during an HTTPS request no library binds an OpenSSL symbol to the node executable (LD_DEBUG=bindings)", async () => {
    const emu = await startTlsEmulator();
    try {
      expectTlsEmulator(emu);
      // LD_BIND_NOW: every symbol of every library is bound at load, not only those this request calls.
      const result = await runCollect(process.execPath, [EXERCISE_SCRIPT, path.join(ROOT, "dist", "lib", "index.js"), "subscribe"], {
        cwd: ROOT,
        env: childEnv(emu, { caFile: emu.caFile, base: cleanEnv({ FAL_NATIVE_BINARY: PREBUILDS.x64, LD_DEBUG: "bindings", LD_BIND_NOW: "1" }) }),
        timeout: 90_000,
      });
      const summary = parseExercise(result);
      expectSteps(summary, emu, ["subscribe"]);
      expect(loadedAddon(summary)).toBe(PREBUILDS.x64);
      // The debug output is real: the prebuild itself shows up as a binder.
      expect([...elf.bindingObjects(result.stderr)]).toContain(PREBUILDS.x64);
      const { found } = elf.opensslBindingsToExecutable(result.stderr, process.execPath);
      expect({ count: found.length, first: found.slice(0, 20) }).toEqual({ count: 0, first: [] });
    } finally {
      await emu.close();
    }
  });
});
