// Starts the fal emulator CLI in its own process, so the server's work never shares a thread with
// the client being measured.
"use strict";

const { spawn } = require("child_process");
const path = require("path");

function startEmulatorProcess(args) {
  const cli = path.join(__dirname, "..", "..", "dist", "lib", "emulator", "cli.js");
  const child = spawn(process.execPath, [cli, "--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let output = "";
    child.on("exit", (code) => reject(new Error(`emulator exited early (code ${code}): ${output}`)));
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const match = /fal emulator listening on (\S+)/.exec(output);
      if (match) {
        child.removeAllListeners("exit");
        resolve({ url: match[1], stop: () => child.kill("SIGTERM") });
      }
    });
  });
}

module.exports = { startEmulatorProcess };
