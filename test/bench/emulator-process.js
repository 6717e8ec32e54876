// Starts the fal emulator CLI in its own process, so the server's work never shares a thread with
// the client being measured, and runs benchmark workers against it.
//
// Transport options, read here for every driver:
//   --tls                 the emulator serves HTTPS (ALPN h2 and http/1.1) with a fresh CA; every
//                         worker trusts it through NODE_EXTRA_CA_CERTS (Node and fal-native read it)
//   --extra-ca ca         (default) NODE_EXTRA_CA_CERTS is the emulator's CA file alone
//   --extra-ca system     it is the system bundle (/etc/ssl/certs/ca-certificates.crt) followed
//                         by the emulator's CA, in a temp file: what corporate machines look like
// With TLS there is no way to trust nothing extra, so there is no "none".
"use strict";

const { execFileSync, spawn } = require("child_process");
const fs = require("fs");
const http = require("http");
const https = require("https");
const os = require("os");
const path = require("path");
const { flag, option } = require("./bench-args");

const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

function transportOptions() {
  const tls = flag("tls");
  const extraCa = option("extra-ca", "ca");
  if (!["ca", "system"].includes(extraCa)) {
    throw new Error(`--extra-ca must be "ca" or "system" (a TLS client has to trust the emulator's CA), got ${JSON.stringify(extraCa)}`);
  }
  return { tls, extraCa };
}

/** One line for table titles. */
function describeTransport({ tls, extraCa }) {
  if (!tls) return "plain HTTP";
  return extraCa === "system" ? "HTTPS, NODE_EXTRA_CA_CERTS = system bundle + emulator CA" : "HTTPS, NODE_EXTRA_CA_CERTS = emulator CA";
}

/** The CLI's URL and (with TLS) CA file, once their lines are all there. */
function parseCliOutput(output, tls) {
  const url = /fal emulator listening on (\S+)/.exec(output)?.[1];
  const caFile = /export NODE_EXTRA_CA_CERTS=(\S+)\n/.exec(output)?.[1];
  return url && (!tls || caFile) ? { url, caFile } : undefined;
}

/** The file workers get as NODE_EXTRA_CA_CERTS; `cleanup` removes a file made here. */
function extraCaFile(caFile, extraCa) {
  if (extraCa !== "system") return { file: caFile, cleanup() {} };
  if (!fs.existsSync(SYSTEM_BUNDLE)) throw new Error(`--extra-ca system: ${SYSTEM_BUNDLE} not found`);
  const file = path.join(os.tmpdir(), `fal-bench-ca-bundle-${process.pid}-${Date.now()}.pem`);
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(SYSTEM_BUNDLE), Buffer.from("\n"), fs.readFileSync(caFile)]));
  return { file, cleanup: () => fs.rmSync(file, { force: true }) };
}

/**
 * Starts the emulator with the CLI `args` plus the transport options of this command line.
 * Resolves { url, transport (for titles), runWorker(script, args, { nodeArgs, maxBuffer }), stop() }.
 */
function startEmulatorProcess(args) {
  const transport = transportOptions();
  const cli = path.join(__dirname, "..", "..", "dist", "lib", "emulator", "cli.js");
  const child = spawn(process.execPath, [cli, "--port", "0", "--quiet", ...(transport.tls ? ["--tls"] : []), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.on("exit", (code) => reject(new Error(`emulator exited early (code ${code}): ${output}`)));
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const started = parseCliOutput(output, transport.tls);
      if (!started) return;
      child.removeAllListeners("exit");
      let trust;
      try {
        trust = transport.tls ? extraCaFile(started.caFile, transport.extraCa) : undefined;
      } catch (error) {
        child.kill("SIGTERM");
        reject(error);
        return;
      }
      const ca = started.caFile ? fs.readFileSync(started.caFile) : undefined;
      // Workers read the emulator's CPU during their measured window (measure.js).
      const env = { ...process.env, FAL_BENCH_EMULATOR_PID: String(child.pid), ...(trust ? { NODE_EXTRA_CA_CERTS: trust.file } : {}) };
      resolve({
        url: started.url,
        transport: describeTransport(transport),
        runWorker: (script, workerArgs, options) => runWorker(started.url, ca, env, script, workerArgs, options),
        stop: () => {
          trust?.cleanup();
          child.kill("SIGTERM");
        },
      });
    });
  });
}

/** The emulator's connection counters (its health check). */
function connectionStats(url, ca) {
  const get = url.startsWith("https:") ? https.get : http.get;
  return new Promise((resolve, reject) => {
    get(`${url}/`, { ca, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve(JSON.parse(body).connections));
    }).on("error", reject);
  });
}

/**
 * Runs one worker script in a fresh Node process (trusting the emulator's CA with --tls) and
 * returns the JSON of its last output line, plus `connections` and `protocols`: what the
 * emulator accepted during the run. The second stats request's own connection is counted in
 * `after` (once, as http/1.1: node's https offers no ALPN) and is taken off.
 */
async function runWorker(url, ca, env, script, args, { nodeArgs = [], maxBuffer } = {}) {
  const before = await connectionStats(url, ca);
  const output = execFileSync(process.execPath, [...nodeArgs, script, ...args], { encoding: "utf8", env, maxBuffer });
  const after = await connectionStats(url, ca);
  const protocols = {};
  for (const [name, count] of Object.entries(after.protocols)) {
    const opened = count - (before.protocols[name] ?? 0) - (name === "http/1.1" ? 1 : 0);
    if (opened > 0) protocols[name] = opened;
  }
  const result = JSON.parse(output.trim().split("\n").pop());
  return { ...result, connections: after.accepted - before.accepted - 1, protocols };
}

module.exports = { startEmulatorProcess };
