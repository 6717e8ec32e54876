// A slim container without a container runtime: a Debian bookworm `--variant=minbase` root
// filesystem made once with debootstrap (cached as <cache>/rootfs-bookworm-minbase), copied per
// test run, and entered with chroot inside a private mount namespace (`unshare --mount`), so the
// /proc bind mount disappears with the last process in it, whatever happens to the test.
"use strict";

const fs = require("fs");
const path = require("path");
const { cachedDir, run, runCollect, timed } = require("./common");

const SUITE = "bookworm";
const MIRROR = process.env.FAL_NATIVE_DEBIAN_MIRROR || "http://deb.debian.org/debian";
const ROOTFS_NAME = `rootfs-${SUITE}-minbase`;

function requireRoot() {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error("the slim container test needs root (debootstrap, chroot, mount): run it as root or in CI");
  }
}

function requireTool(tool, pkg) {
  const dirs = (process.env.PATH || "").split(":").concat(["/usr/sbin", "/sbin", "/usr/bin"]);
  const found = dirs.map((dir) => path.join(dir, tool)).find((file) => fs.existsSync(file));
  if (!found) throw new Error(`${tool} is not installed: run test/environments/prepare.sh (apt-get install ${pkg})`);
  return found;
}

/** The cached minbase root filesystem (built on first use, about 25 s); treat it as read-only. */
async function minbaseRootfs() {
  requireRoot();
  return cachedDir(
    ROOTFS_NAME,
    async (tmp) => {
      const debootstrap = requireTool("debootstrap", "debootstrap");
      const started = Date.now();
      // In its own mount namespace: the /proc and /sys debootstrap mounts inside the target can
      // never outlive it, even when it fails half way (the directory is then deleted).
      await run("unshare", ["--mount", "--propagation", "private", "--", debootstrap, "--variant=minbase", SUITE, tmp, MIRROR], {
        timeout: 600_000,
      });
      // The downloaded .deb files are 30 MB nobody needs again.
      const archives = path.join(tmp, "var", "cache", "apt", "archives");
      for (const file of fs.readdirSync(archives)) if (file.endsWith(".deb")) fs.rmSync(path.join(archives, file));
      timed(`debootstrap --variant=minbase ${SUITE}`, started);
    },
    (dir) => fs.existsSync(path.join(dir, "etc", "debian_version")) && fs.existsSync(path.join(dir, "usr", "bin", "dpkg")),
  );
}

/**
 * A private copy of the minbase root filesystem under `workDir`, with /etc/hosts naming localhost
 * and the running node executable as /usr/local/bin/node (plus any shared library node needs that
 * minbase lacks, listed in `copiedLibraries`).
 */
async function makeContainer(workDir) {
  const source = await minbaseRootfs();
  const started = Date.now();
  const root = path.join(workDir, "rootfs");
  await run("cp", ["-a", "--reflink=auto", source, root]);
  fs.writeFileSync(path.join(root, "etc", "hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
  fs.copyFileSync(process.execPath, path.join(root, "usr", "local", "bin", "node"));
  fs.chmodSync(path.join(root, "usr", "local", "bin", "node"), 0o755);
  const container = { root, copiedLibraries: [] };
  container.copiedLibraries = await copyMissingLibraries(container, "/usr/local/bin/node");
  timed("container copy", started);
  return container;
}

/** Copies from the host every library `ldd` inside the container reports "not found" for `binary`. */
async function copyMissingLibraries(container, binary) {
  const copied = [];
  const missing = async () => {
    const { stdout } = await runInContainer(container, ["/usr/bin/ldd", binary]);
    return [...stdout.matchAll(/^\s*(\S+) => not found/gm)].map((m) => m[1]);
  };
  const hostLibraries = parseLdd((await run("ldd", [process.execPath])).stdout);
  for (const soname of await missing()) {
    const hostPath = hostLibraries[soname];
    if (!hostPath) throw new Error(`node needs ${soname}, which the host does not resolve either`);
    const target = path.join(container.root, "usr", "local", "lib", soname);
    fs.copyFileSync(fs.realpathSync(hostPath), target);
    copied.push(soname);
  }
  if (copied.length > 0) {
    await runInContainer(container, ["/sbin/ldconfig"]);
    const still = await missing();
    if (still.length > 0) throw new Error(`node still misses ${still.join(", ")} in the container`);
  }
  return copied;
}

function parseLdd(text) {
  const out = {};
  for (const m of text.matchAll(/^\s*(\S+) => (\/\S+)/gm)) out[m[1]] = m[2];
  return out;
}

/**
 * Runs `argv` (paths inside the container) chrooted into the container, in a private mount
 * namespace with the host's /proc bind-mounted, in directory `cwd` of the container. The network
 * namespace is the host's, so 127.0.0.1 reaches servers of the test process. Never rejects for
 * the command's own failure: { code, signal, stdout, stderr, timedOut }.
 */
function runInContainer(container, argv, { cwd = "/", env = {}, timeout = 120_000 } = {}) {
  // sh -c: bind /proc into the copy, then chroot; inside, a second sh changes to `cwd` and execs
  // the command, so the command is the process the timeout kills.
  const enter =
    'root="$1"; dir="$2"; shift 2; mount --bind /proc "$root/proc" || exit 125; exec chroot "$root" /bin/sh -c \'cd "$0" && exec "$@"\' "$dir" "$@"';
  return runCollect("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", enter, "sh", container.root, cwd, ...argv], {
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/root", ...env },
    timeout,
    killSignal: "SIGKILL",
  });
}

/** Mount points of this (the host's) mount namespace under `dir`: must stay empty. */
function mountsUnder(dir) {
  const real = fs.realpathSync(dir);
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point) => point && (point === real || point.startsWith(`${real}/`)));
}

module.exports = { minbaseRootfs, makeContainer, runInContainer, mountsUnder, requireRoot };
