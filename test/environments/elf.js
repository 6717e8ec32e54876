// What a shipped binary asks of the system it lands on, read with binutils (readelf understands
// ELF files of every architecture, so the arm64 prebuild is checked on an x64 machine too), and
// which symbols the dynamic loader actually bound where (LD_DEBUG=bindings).
"use strict";

const path = require("path");
const { run } = require("./common");

/** The libraries and loaders a prebuild may need: the C and C++ runtimes, nothing else. */
const ALLOWED_NEEDED = ["libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"];
/** Ubuntu 22.04 / RHEL 9 / Debian 12 and newer. */
const GLIBC_FLOOR = "2.34";

/** DT_NEEDED entries. */
async function neededLibraries(file) {
  const { stdout } = await run("readelf", ["-d", "-W", file]);
  return [...stdout.matchAll(/\(NEEDED\).*\[(.+)\]/g)].map((m) => m[1]);
}

/** Every symbol version the binary requires (GLIBC_2.17, GLIBCXX_3.4.29, ...), from .gnu.version_r. */
async function requiredVersions(file) {
  const { stdout } = await run("readelf", ["-V", "-W", file]);
  const section = stdout.split(/Version needs section/)[1] ?? "";
  return [...new Set([...section.matchAll(/Name: ([A-Z_+]+_[0-9.]+)/g)].map((m) => m[1]))];
}

function compareVersions(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The highest version with `prefix` ("GLIBC" -> "2.34"), or undefined. */
function highestVersion(versions, prefix) {
  const numbers = versions.filter((v) => v.startsWith(`${prefix}_`) && /^[0-9.]+$/.test(v.slice(prefix.length + 1))).map((v) => v.slice(prefix.length + 1));
  return numbers.sort(compareVersions).pop();
}

/** e_machine as readelf names it ("Advanced Micro Devices X86-64", "AArch64"). */
async function machine(file) {
  const { stdout } = await run("readelf", ["-h", "-W", file]);
  return (stdout.match(/Machine:\s+(.+)/) || [])[1]?.trim();
}

const OPENSSL_SYMBOL = /^(SSL|EVP|X509|OPENSSL|CRYPTO|BIO|ERR|PEM|RAND|ASN1|BN|RSA|EC|ECDSA|DH|DSA|OSSL|TLS|DTLS|HMAC|ENGINE|OBJ|d2i|i2d)_/;

/**
 * From LD_DEBUG=bindings output: every OpenSSL symbol that some shared object (not the executable
 * itself) had bound to a definition in the executable `exe`. Node exports its own OpenSSL; a
 * library that binds there runs its TLS on Node's copy instead of its own.
 */
function opensslBindingsToExecutable(ldDebugOutput, exe) {
  const names = new Set([exe, path.basename(exe)]);
  const found = [];
  let lines = 0;
  for (const m of ldDebugOutput.matchAll(/binding file (\S+) \[\d+\] to (\S+) \[\d+\]: normal symbol `([^']+)'(?: \[([^\]]+)\])?/g)) {
    lines++;
    const [, from, to, symbol, version] = m;
    if (names.has(from) || !names.has(to)) continue;
    if (OPENSSL_SYMBOL.test(symbol) || /^OPENSSL_/.test(version ?? "")) found.push(`${path.basename(from)} -> ${symbol}${version ? `@${version}` : ""}`);
  }
  return { found, lines };
}

/** The objects that bound anything at all (to check LD_DEBUG really reported the addon). */
function bindingObjects(ldDebugOutput) {
  return new Set([...ldDebugOutput.matchAll(/binding file (\S+) \[\d+\] to/g)].map((m) => m[1]));
}

module.exports = {
  ALLOWED_NEEDED,
  GLIBC_FLOOR,
  neededLibraries,
  requiredVersions,
  highestVersion,
  compareVersions,
  machine,
  opensslBindingsToExecutable,
  bindingObjects,
};
