// Shared plumbing for the environment tests (slim container, Node versions, arm64): running
// commands with their output in the error, the cache directory outside the repository, and a
// cross-process lock so two Jest workers (or two test runs) never build the same cache entry at once.
"use strict";

const { execFile } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");

/** ${FAL_NATIVE_ENV_CACHE:-$HOME/.cache/fal-native/env}: root filesystem, Node executables, tarballs. */
function cacheDir() {
  const dir = process.env.FAL_NATIVE_ENV_CACHE || path.join(os.homedir(), ".cache", "fal-native", "env");
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Runs a command; resolves with { stdout, stderr }, rejects with both streams (and the command)
 * in the message when it fails or outlives `timeout`.
 */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...options }, (error, stdout, stderr) => {
      if (error) {
        error.message = `${command} ${args.join(" ")} failed: ${error.message}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`;
        error.stdout = stdout;
        error.stderr = stderr;
        reject(error);
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** Like run, but never rejects: { code, signal, stdout, stderr, timedOut } however the command ended. */
function runCollect(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number" && !error.signal && !error.killed) return reject(error);
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : null) : 0,
        signal: error ? error.signal ?? null : null,
        timedOut: Boolean(error && error.killed),
        stdout,
        stderr,
      });
    });
  });
}

function tail(text, max = 6000) {
  const s = String(text ?? "");
  return s.length > max ? `...${s.slice(-max)}` : s;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` holding an exclusive lock named `name` in the cache directory (a directory created
 * atomically with mkdir). A lock older than `staleMs` whose owner pid is gone is taken over, so a
 * killed run never blocks the next one.
 */
async function withLock(name, fn, { staleMs = 15 * 60_000, waitMs = 20 * 60_000 } = {}) {
  const lock = path.join(cacheDir(), `${name}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "owner"), `${process.pid}\n`);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (lockIsStale(lock, staleMs)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > waitMs) throw new Error(`timed out waiting for the lock ${lock}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock, staleMs) {
  let owner;
  let age;
  try {
    age = Date.now() - fs.statSync(lock).mtimeMs;
    owner = Number(fs.readFileSync(path.join(lock, "owner"), "utf8"));
  } catch {
    // Just created (no owner file yet) or just removed.
    return age !== undefined && age > 10_000;
  }
  if (!ownerAlive(owner)) return true;
  return age > staleMs;
}

function ownerAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * A cache entry: a directory `name` in the cache, made by `build(tmpDir)` under a lock into a
 * temporary sibling and renamed into place only when complete, so a half-built entry is never used.
 * `isValid(dir)` rejects a stale or damaged entry (it is rebuilt).
 */
async function cachedDir(name, build, isValid = () => true) {
  const dir = path.join(cacheDir(), name);
  if (fs.existsSync(dir) && isValid(dir)) return dir;
  return withLock(name, async () => {
    if (fs.existsSync(dir) && isValid(dir)) return dir;
    fs.rmSync(dir, { recursive: true, force: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    try {
      await build(tmp);
      fs.renameSync(tmp, dir);
    } catch (error) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
    return dir;
  });
}

/**
 * npm-cli.js of the npm a user would run, found as npm finds itself: the one running this process
 * (`npm_execpath`, set by `npm test`), else the `npm` first on PATH (a link to its npm-cli.js, or a
 * shell wrapper beside its node_modules/npm), else the npm that came with this node.
 */
function npmCli() {
  const candidates = [];
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)) candidates.push(process.env.npm_execpath);
  for (const dir of (process.env.PATH || "").split(path.delimiter).filter(Boolean)) {
    const npm = path.join(dir, "npm");
    if (!fs.existsSync(npm)) continue;
    const real = fs.realpathSync(npm);
    candidates.push(real, path.join(path.dirname(real), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"));
    break;
  }
  candidates.push(
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js"),
    path.join(path.dirname(process.execPath), "node_modules", "npm", "bin", "npm-cli.js"),
  );
  const found = candidates.find((file) => /npm-cli\.js$/.test(file) && fs.existsSync(file));
  if (!found) throw new Error(`npm-cli.js not found (npm_execpath, npm on PATH, or next to ${process.execPath})`);
  return found;
}

/** The environment of a user's shell: no npm_* / JEST_* variables inherited from `npm test`. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && !/^JEST_/.test(key) && !/^FAL_/.test(key) && key !== "NODE_EXTRA_CA_CERTS" && key !== "NODE_OPTIONS") {
      env[key] = value;
    }
  }
  return { ...env, ...extra };
}

/** Prints one timing line on stderr (Jest shows it), so the cold and warm costs are visible in CI logs. */
function timed(label, started) {
  process.stderr.write(`[env] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

module.exports = { ROOT, cacheDir, run, runCollect, withLock, cachedDir, npmCli, cleanEnv, timed, sleep };
