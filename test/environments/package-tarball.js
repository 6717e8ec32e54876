// The npm tarball of this checkout, packed once and reused: cached as <cache>/pack-<key>/*.tgz,
// where the key is git HEAD plus the path, size and mtime of every file the package ships
// (package.json "files", built dist/ and prebuilds/ included), so any rebuild or edit packs anew
// and every test (and worker) in between shares one tarball.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { ROOT, cacheDir, cachedDir, run, npmCli, cleanEnv, timed } = require("./common");

const KEEP_TARBALLS = 3;

function walk(file, out) {
  let stat;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(file).sort()) walk(path.join(file, name), out);
  } else {
    out.push(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}`);
  }
}

async function packageKey() {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  let head = "no-git";
  try {
    head = (await run("git", ["rev-parse", "HEAD"], { cwd: ROOT })).stdout.trim();
  } catch {
    // Not a git checkout (an unpacked source tarball): the file list alone is the key.
  }
  const entries = [head];
  for (const entry of ["package.json", "README.md", ...(manifest.files || [])]) walk(path.join(ROOT, entry), entries);
  return crypto.createHash("sha256").update(entries.join("\n")).digest("hex").slice(0, 16);
}

/** Path of the .tgz `npm pack` makes of this checkout as it is now (dist/ and prebuilds/ as built). */
async function packedTarball() {
  const key = await packageKey();
  const dir = await cachedDir(
    `pack-${key}`,
    async (tmp) => {
      const started = Date.now();
      // --ignore-scripts: prepack would rebuild dist/ and the prebuild, which other tests running
      // at the same time use; they are built by `npm run setup` (and the prebuild engineers' CI step).
      await run(process.execPath, [npmCli(), "pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
        cwd: ROOT,
        env: cleanEnv(),
      });
      timed("npm pack", started);
    },
    (d) => fs.readdirSync(d).some((f) => f.endsWith(".tgz")),
  );
  prune(dir);
  return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith(".tgz")));
}

/** Keeps the newest few tarballs; the others belong to earlier states of the checkout. */
function prune(keep) {
  const root = cacheDir();
  const packs = fs
    .readdirSync(root)
    .filter((name) => /^pack-[0-9a-f]+$/.test(name))
    .map((name) => ({ dir: path.join(root, name), mtime: fs.statSync(path.join(root, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { dir } of packs.slice(KEEP_TARBALLS)) if (dir !== keep) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { packedTarball };
