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

function format(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

module.exports = { option, numberOption, format };
