// Checks the commands of a shell block without running them: npm scripts exist in package.json,
// `fal-native` subcommands and their options exist (from their --help), `node`/`bash` scripts exist
// (and a script given --options mentions each), repository paths exist, and every other command is
// one of a short list of ordinary tools. Returns a list of problems (empty: fine).
"use strict";

const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const { ROOT } = require("./markdown");

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");
const EMULATOR_CLI = path.join(ROOT, "dist", "lib", "emulator", "cli.js");

/** Commands the pages may use that are not this project's: shell built-ins and common tools. */
const ORDINARY = new Set([
  "[", "apt-get", "bash", "cat", "cd", "curl", "cut", "echo", "eval", "export", "jq", "sleep", "sudo",
  "tail", "jest", "tsc", "cmake",
]);
const KEYWORDS = new Set(["until", "while", "if", "then", "do", "else", "elif", "!", "time"]);
const ENDINGS = new Set(["done", "fi", "esac", "}", "{"]);
const REPOSITORY_DIRS = ["examples", "test", "native", "scripts", "lib", "docs", "dist", "types", ".ci", ".github", "prebuilds"];

const helpCache = new Map();
function help(file, args) {
  const key = [file, ...args].join(" ");
  if (!helpCache.has(key)) {
    let text;
    try {
      text = execFileSync(process.execPath, [file, ...args, "--help"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      text = `${error.stdout ?? ""}${error.stderr ?? ""}`;
    }
    helpCache.set(key, text);
  }
  return helpCache.get(key);
}

/** Splits off `$(...)` substitutions (returned separately) and replaces each with a placeholder. */
function extractSubstitutions(line, found) {
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "'" ) {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      out += line.slice(i, stop + 1);
      i = stop;
    } else if (line[i] === "$" && line[i + 1] === "(") {
      let depth = 1;
      let j = i + 2;
      for (; j < line.length && depth > 0; j++) {
        if (line[j] === "(") depth++;
        else if (line[j] === ")") depth--;
      }
      found.push(extractSubstitutions(line.slice(i + 2, j - 1), found));
      out += "SUBSTITUTION";
      i = j - 1;
    } else {
      out += line[i];
    }
  }
  return out;
}

/** Quote-aware split into simple commands (on ; && || | &) and their words. */
function simpleCommands(line) {
  const commands = [];
  let words = [];
  let word = "";
  let quoted = false;
  const endWord = () => {
    if (word !== "" || quoted) words.push(word);
    word = "";
    quoted = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      const stop = end < 0 ? line.length : end;
      word += line.slice(i + 1, stop);
      quoted = true;
      i = stop;
    } else if (c === "#" && word === "" && (i === 0 || /\s/.test(line[i - 1]))) {
      break; // a comment
    } else if (/\s/.test(c)) {
      endWord();
    } else if (c === ";" || c === "|" || c === "&") {
      if (c === "&" && /[<>]$/.test(word)) word += c; // 2>&1
      else endCommand();
    } else {
      word += c;
    }
  }
  endCommand();
  return commands;
}

/** Joins continued lines (trailing \, |, &&, ||) into logical lines. */
function logicalLines(code) {
  const lines = [];
  let current = "";
  for (const raw of code.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    if (line.endsWith("\\")) current += `${line.slice(0, -1)} `;
    else if (/(\||&&|\|\|)$/.test(line) && !/^\s*#/.test(line)) current += `${line} `;
    else {
      lines.push(current + line);
      current = "";
    }
  }
  if (current) lines.push(current);
  return lines.filter((line) => line.trim() !== "" && !/^\s*#/.test(line));
}

function dropRedirections(words) {
  const out = [];
  for (let i = 0; i < words.length; i++) {
    if (/^\d*(>>?|<)$/.test(words[i])) i++; // "> file": drop both
    else if (/^\d*(>>?|<)/.test(words[i])) continue; // ">file", "2>&1"
    else out.push(words[i]);
  }
  return out;
}

function checkPaths(words, problems) {
  for (const word of words) {
    const candidate = word.replace(/^\.\//, "").replace(/[),.;:]+$/, "");
    const top = candidate.split("/")[0];
    if (!REPOSITORY_DIRS.includes(top) || !candidate.includes("/")) continue;
    if (!fs.existsSync(path.join(ROOT, candidate))) problems.push(`no such file in the repository: ${candidate}`);
  }
}

function options(words) {
  return words.filter((word) => /^--?[A-Za-z]/.test(word)).map((word) => word.split("=")[0]);
}

function mentions(text, option) {
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[\\s,\\[(|])${escaped}([\\s,=\\]|)]|$)`, "m").test(text);
}

function checkFalNative(args, problems) {
  const [sub, second] = args;
  if (sub === undefined || sub.startsWith("-")) {
    const text = help(CLI, []);
    for (const option of options(args)) if (!mentions(text, option)) problems.push(`fal-native has no option ${option}`);
    return;
  }
  const top = help(CLI, []);
  if (!new RegExp(`^\\s+${sub}\\s`, "m").test(top)) {
    problems.push(`fal-native has no command "${sub}"`);
    return;
  }
  const text = help(CLI, [sub]) + help(CLI, []);
  if (sub === "webhooks" && second !== "listen") problems.push(`fal-native webhooks has no subcommand "${second}"`);
  for (const option of options(args.slice(1))) if (!mentions(text, option)) problems.push(`fal-native ${sub} has no option ${option}`);
}

function checkNodeScript(file, args, problems) {
  const full = path.join(ROOT, file);
  if (!fs.existsSync(full)) {
    problems.push(`node ${file}: no such file`);
    return;
  }
  const text = fs.readFileSync(full, "utf8");
  for (const option of options(args)) {
    if (!text.includes(option.replace(/^--?/, ""))) problems.push(`node ${file} does not mention the option ${option}`);
  }
}

function checkNpm(args, problems) {
  const [verb, ...rest] = args;
  if (verb === "run" || verb === "run-script") {
    const [script, ...after] = rest.filter((word) => word !== "--prefix" && !/node_modules\//.test(word));
    if (!Object.hasOwn(PACKAGE.scripts, script)) {
      problems.push(`npm run ${script}: package.json has no such script`);
      return;
    }
    const passed = after[0] === "--" ? after.slice(1) : [];
    // Check the script's own command line, with the arguments passed after `--`.
    problems.push(...checkLine(`${PACKAGE.scripts[script]} ${passed.join(" ")}`));
    return;
  }
  if (verb === "test" || verb === "t") {
    if (!PACKAGE.scripts.test) problems.push("npm test: package.json has no test script");
    return;
  }
  if (!["install", "i", "ci", "update", "pack", "publish"].includes(verb)) problems.push(`npm ${verb}: not a command the pages should use`);
}

function checkCommand(words, problems) {
  words = dropRedirections(words);
  while (words.length && (KEYWORDS.has(words[0]) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]))) words = words.slice(1);
  if (words.length === 0 || ENDINGS.has(words[0]) || words[0] === "case") return;
  if (/^[^\s()]+\)$/.test(words[0])) words = words.slice(1); // a case pattern: "1)"
  if (words.length === 0) return;
  checkPaths(words, problems);
  let [command, ...args] = words;
  if (command === "npx") [command, ...args] = args;
  if (command === "sudo") return checkCommand(args, problems);
  switch (command) {
    case "fal-native":
      return checkFalNative(args, problems);
    case "fal-native-emulator":
      for (const option of options(args)) if (!mentions(help(EMULATOR_CLI, []), option)) problems.push(`fal-native-emulator has no option ${option}`);
      return;
    case "npm":
      return checkNpm(args, problems);
    case "node": {
      const file = args.find((word) => !word.startsWith("-"));
      if (file) checkNodeScript(file, args.slice(args.indexOf(file) + 1), problems);
      return;
    }
    case "bash":
      if (args[0] && !fs.existsSync(path.join(ROOT, args[0]))) problems.push(`bash ${args[0]}: no such file`);
      return;
    default:
      if (!ORDINARY.has(command)) problems.push(`unknown command "${command}" (not this project's, and not in the list of ordinary tools)`);
  }
}

function checkLine(line) {
  const problems = [];
  const substitutions = [];
  const rest = extractSubstitutions(line, substitutions);
  for (const text of [rest, ...substitutions]) for (const words of simpleCommands(text)) checkCommand(words, problems);
  return problems;
}

/** Problems found in a shell block, each prefixed by the block's line in the page. */
function checkShellBlock(block) {
  const problems = [];
  let offset = 0;
  const lines = block.code.split("\n");
  for (const line of logicalLines(block.code)) {
    const first = line.split("\n")[0].slice(0, 30);
    const index = lines.findIndex((raw, i) => i >= offset && raw.includes(first.trim().slice(0, 20)));
    if (index >= 0) offset = index;
    for (const problem of checkLine(line)) problems.push(`${block.page}:${block.line + 1 + offset}: ${problem}`);
  }
  return problems;
}

module.exports = { checkShellBlock, checkLine };
