// An LD_PRELOAD shim whose getaddrinfo sleeps before resolving one host name (SLOW_DNS_HOST, as
// 127.0.0.1), like a slow resolver. Compiled with the system cc into a temporary directory.
"use strict";

const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const SOURCE = `
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*real_fn)(const char*, const char*, const struct addrinfo*, struct addrinfo**);

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints, struct addrinfo** res) {
  real_fn real = (real_fn)dlsym(RTLD_NEXT, "getaddrinfo");
  const char* slow = getenv("SLOW_DNS_HOST");
  if (node && slow && strcmp(node, slow) == 0) {
    const char* ms = getenv("SLOW_DNS_MS");
    usleep((useconds_t)(ms ? atoi(ms) : 5000) * 1000);
    return real("127.0.0.1", service, hints, res);
  }
  return real(node, service, hints, res);
}
`;

/** Path of the compiled shim (.so). */
function buildSlowDnsShim() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fal-slow-dns-"));
  fs.writeFileSync(path.join(dir, "slow-dns.c"), SOURCE);
  const out = path.join(dir, "slow-dns.so");
  execFileSync("cc", ["-shared", "-fPIC", "-O1", "-o", out, path.join(dir, "slow-dns.c"), "-ldl"]);
  return out;
}

module.exports = { buildSlowDnsShim };
