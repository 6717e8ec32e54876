// Command-line options and number formatting shared by the benchmark drivers.
"use strict";

/** The value after `--name` on the command line, or `fallback`. */
function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

/** A numeric `--name` option. */
function numberOption(name, fallback) {
  return Number(option(name, fallback));
}

/** Whether the bare switch `--name` is on the command line. */
function flag(name) {
  return process.argv.includes(`--${name}`);
}

function format(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

/** "3 (h2 3)": connections one worker opened, as the emulator counted them, from its result. */
function formatConnections(result) {
  if (!result || result.connections === undefined) return "n/a";
  const protocols = Object.entries(result.protocols).map(([name, n]) => `${name} ${n}`);
  return `${result.connections}${protocols.length ? ` (${protocols.join(", ")})` : ""}`;
}

/** The table row with the connections each client opened in its last run, then `emptyCells` cells. */
function connectionsRow(runs, clients = ["native", "official"], emptyCells = 1) {
  const last = (list) => list[list.length - 1];
  const cells = clients.map((client) => formatConnections(last(runs[client])));
  return `| Connections accepted, last round (ALPN) | ${cells.join(" | ")} |${" |".repeat(emptyCells)}`;
}

module.exports = { option, numberOption, flag, format, connectionsRow };
