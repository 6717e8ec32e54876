// .github/workflows/prebuilds.yml cannot run in this repository's CI; this checks its shape: it
// parses, every job that builds or tests a prebuild names the file lib/native/loader.ts looks for,
// uploads exactly that file, and the pack job expects every one of them.
"use strict";

const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");
const { prebuildPath } = require("../../dist/lib/native/loader");

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOW = path.join(ROOT, ".github", "workflows", "prebuilds.yml");

/** Every platform the package ships a binary for. */
const TARGETS = [
  "linux-x64-glibc",
  "linux-arm64-glibc",
  "linux-x64-musl",
  "linux-arm64-musl",
  "darwin-arm64",
  "darwin-x64",
  "win32-x64",
];

const workflow = yaml.load(fs.readFileSync(WORKFLOW, "utf8"));

/** [jobName, matrixEntry] for each matrix entry that carries a prebuild path. */
function prebuildEntries() {
  return Object.entries(workflow.jobs).flatMap(([name, job]) =>
    ((job.strategy && job.strategy.matrix && job.strategy.matrix.include) || [])
      .filter((entry) => entry.prebuild)
      .map((entry) => [name, entry]),
  );
}

function loaderPath({ platform, arch, libc }) {
  return path.relative(ROOT, prebuildPath(ROOT, platform, arch, libc)).split(path.sep).join("/");
}

test("the workflow parses and has the build, test and pack jobs", () => {
  expect(workflow.name).toBe("prebuilds");
  expect(Object.keys(workflow.jobs)).toEqual(
    expect.arrayContaining(["sources", "linux-glibc", "linux-arm64-glibc-test", "linux-musl", "macos", "windows", "pack"]),
  );
  for (const job of Object.values(workflow.jobs)) {
    expect(job["runs-on"]).toBeTruthy();
    expect(Array.isArray(job.steps)).toBe(true);
  }
});

test("every job's prebuild path is the name the loader looks for", () => {
  const entries = prebuildEntries();
  expect(entries.length).toBeGreaterThan(0);
  for (const [name, entry] of entries) {
    // A libc tag on Linux only; darwin and win32 binaries have none.
    expect({ job: name, libc: Boolean(entry.libc) }).toEqual({ job: name, libc: entry.platform === "linux" });
    expect({ job: name, prebuild: entry.prebuild }).toEqual({ job: name, prebuild: loaderPath(entry) });
  }
});

test("every shipped target is built by exactly one job and uploaded under its own path", () => {
  const built = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const uploads = job.steps.filter((step) => String(step.uses || "").startsWith("actions/upload-artifact@"));
    if (!uploads.some((step) => step.with.path === "${{ matrix.prebuild }}")) continue;
    for (const entry of job.strategy.matrix.include) {
      built.push([entry.platform, entry.arch, entry.libc].filter(Boolean).join("-"));
    }
    expect({ job: name, names: uploads.map((s) => s.with.name) }).toEqual({
      job: name,
      names: [expect.stringMatching(/^prebuild-\$\{\{ matrix\.platform \}\}-\$\{\{ matrix\.arch \}\}/)],
    });
  }
  expect(built.sort()).toEqual([...TARGETS].sort());
});

test("the pack job needs every build job and expects every prebuild in the tarball", () => {
  const pack = workflow.jobs.pack;
  const buildJobs = Object.entries(workflow.jobs)
    .filter(([name, job]) => name !== "pack" && name !== "sources" && job.strategy)
    .map(([name]) => name);
  expect([...pack.needs].sort()).toEqual(buildJobs.sort());
  const expected = pack.env.EXPECTED_PREBUILDS.split(/\s+/).filter(Boolean).sort();
  const fromJobs = [...new Set(prebuildEntries().map(([, entry]) => entry.prebuild))].sort();
  expect(expected).toEqual(fromJobs);
  expect(expected).toHaveLength(TARGETS.length);
  // prepack would rebuild this host's binary over the gathered one.
  expect(pack.steps.some((step) => /npm pack --ignore-scripts/.test(step.run || ""))).toBe(true);
});
