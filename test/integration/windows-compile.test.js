// Every native/*.cc compiles for Windows x64: native/tools/check-windows-compile.js cross-compiles
// each file to an object with MinGW-w64 (with MSVC's <windows.h> min/max macros wherever curl.h is
// included) and this checks that each object really is an x86-64 PE/COFF object.
// Needs the Debian package g++-mingw-w64-x86-64 (x86_64-w64-mingw32-g++-posix); .ci/setup.sh
// installs it. Without it the test fails and says what to install.
"use strict";

const { execFile, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const SCRIPT = path.join(ROOT, "native", "tools", "check-windows-compile.js");
const CXX = process.env.FAL_MINGW_CXX || "x86_64-w64-mingw32-g++-posix";
const IMAGE_FILE_MACHINE_AMD64 = 0x8664;

jest.setTimeout(240_000);

function runCheck() {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, "--json"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      let report;
      try {
        report = JSON.parse(stdout);
      } catch {
        report = { error: `no JSON report (exit ${error ? error.code : 0}):\n${stdout}\n${stderr}` };
      }
      resolve({ status: error ? error.code : 0, report });
    });
  });
}

describe("Windows x64 compile check (MinGW-w64)", () => {
  let result;

  beforeAll(async () => {
    const probe = spawnSync(CXX, ["--version"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        `${CXX} is not installed, so the Windows compile check cannot run.\n` +
          "Install it with: apt-get install -y g++-mingw-w64-x86-64 (it belongs in .ci/setup.sh's SYSTEM_PACKAGES)",
      );
    }
    result = await runCheck();
  });

  test("the script compiled every native/*.cc without errors", () => {
    const { status, report } = result;
    const failures = (report.results || []).filter((r) => !r.ok).map((r) => `${r.source}:\n${r.output}`);
    expect({ error: report.error, failures }).toEqual({ error: undefined, failures: [] });
    expect(status).toBe(0);
    const sources = fs.readdirSync(path.join(ROOT, "native")).filter((name) => name.endsWith(".cc")).sort();
    const compiled = report.results.map((r) => path.basename(r.source)).filter((name) => name.endsWith(".cc"));
    expect(compiled).toEqual(sources);
    for (const r of report.results) expect(r.output).not.toMatch(/\berror\b:/);
  });

  test("each object is an x86-64 PE/COFF object", () => {
    for (const r of result.report.results) {
      const object = fs.readFileSync(path.join(ROOT, r.object));
      // A COFF object starts with its IMAGE_FILE_HEADER: Machine (u16 LE), NumberOfSections (u16 LE).
      expect({ object: r.object, machine: object.readUInt16LE(0).toString(16) }).toEqual({
        object: r.object,
        machine: IMAGE_FILE_MACHINE_AMD64.toString(16),
      });
      expect(object.readUInt16LE(2)).toBeGreaterThan(0);
    }
  });

  test("files that include curl.h were checked against MSVC's min/max macros", () => {
    const withCurl = result.report.results.filter((r) => r.msvcMacros).map((r) => path.basename(r.source));
    expect(withCurl).toEqual(expect.arrayContaining(["addon.cc", "transfer.cc", "retry.cc", "io_loop.cc"]));
  });

  test("the curl headers used are reported, and are the bundled 8.14.1 ones when built", () => {
    const { curl } = result.report;
    expect(curl.version).toMatch(/^\d+\.\d+\.\d+/);
    if (curl.source.startsWith("bundled")) expect(curl.version).toBe(require("../../native/deps/pins.json").packages.curl.version);
  });
});
