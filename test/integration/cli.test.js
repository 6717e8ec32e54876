// The fal-native CLI as a user runs it: a child process (`node dist/lib/cli/main.js ...`) talking
// to the emulator over real loopback HTTP. Checks stdout, stderr and exit codes, and what the
// emulator received.
"use strict";

const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startEmulator } = require("../../dist/lib/emulator");
const { createQueueProgress } = require("../../dist/lib/cli/progress");
const { closedPort } = require("../helpers/closed-port");
const { waitFor } = require("../helpers/wait");
const pkg = require("../../package.json");

const CLI = path.join(__dirname, "..", "..", "dist", "lib", "cli", "main.js");
const SCHNELL = "fal-ai/flux-1/schnell";
const KONTEXT = "fal-ai/flux-pro/kontext";
const STUCK_KEY = "cli-stuck-key";
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const COMMAND_NAMES = ["run", "subscribe", "submit", "status", "result", "cancel", "upload", "download", "emulator", "webhooks", "doctor"];

/** Requests finish in tens of ms. Accepts any key. */
let emu;
/** Requests wait a second in the queue, so IN_QUEUE is observed. */
let queued;
/** Requests never leave the queue; needs STUCK_KEY. */
let stuck;
let tmp;

beforeAll(async () => {
  [emu, queued, stuck] = await Promise.all([
    startEmulator({ timing: { queueMs: 5, stepMs: 5, steps: 3, runners: 4 }, quiet: true, maxImageSide: 64 }),
    startEmulator({ timing: { queueMs: 1000, stepMs: 20, steps: 3, runners: 2 }, quiet: true, maxImageSide: 64 }),
    startEmulator({ apiKey: STUCK_KEY, timing: { queueMs: 600_000, stepMs: 5, steps: 1, runners: 1 }, quiet: true }),
  ]);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-cli-"));
});

afterAll(async () => {
  await Promise.all([emu.close(), queued.close(), stuck.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The environment without any fal settings from the machine running the tests. */
function cleanEnv(extra = {}) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith("FAL_")) delete env[name];
  delete env.TERM;
  return { ...env, ...extra };
}

/** Runs the CLI to completion. `stdin` (string) is piped in; otherwise stdin is empty. */
function cli(args, { stdin, env, cwd = tmp, timeoutMs = 20_000 } = {}) {
  return spawnCollect(process.execPath, [CLI, ...args], env ?? cleanEnv(), { stdin, cwd, timeoutMs });
}

/** Spawns a program (never synchronously: the emulators run in this process) and collects its output. */
function spawnCollect(program, args, env, { stdin, cwd = tmp, timeoutMs = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const guard = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(stdin ?? "");
  });
}

const at = (emulator) => ["--emulator", emulator.url];
const lastBody = (emulator, pathname) => {
  const hits = emulator.requests.filter((r) => r.method === "POST" && r.path === pathname);
  expect(hits.length).toBeGreaterThan(0);
  return JSON.parse(hits[hits.length - 1].body);
};
const sha256 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");
const noStack = (stderr) => expect(stderr).not.toMatch(/^\s+at /m);
const write = (name, content) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, content);
  return file;
};

describe("help and version", () => {
  test("--help lists every command and the exit codes", async () => {
    const { code, stdout, stderr } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    for (const name of COMMAND_NAMES) expect(stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    for (const exit of ["0", "1", "2", "3", "4", "130"]) expect(stdout).toMatch(new RegExp(`^  ${exit} +\\S`, "m"));
  });

  test.each(COMMAND_NAMES)("%s --help (and `help %s`) prints its usage and options", async (name) => {
    const viaFlag = await cli([name, "--help"]);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toContain(`Usage:\n  fal-native ${name}`);
    expect(viaFlag.stdout).toContain("--help");
    const viaHelp = await cli(["help", name]);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  test("--version prints the package version", async () => {
    const { code, stdout } = await cli(["--version"]);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe("run", () => {
  test("-i fields are typed and nested; the result JSON is one line on stdout when not a terminal", async () => {
    const { code, stdout, stderr } = await cli([
      "run", SCHNELL, ...at(emu),
      "-i", "prompt=a red fox",
      "-i", "seed=7",
      "-i", "enable_safety_checker=false",
      "-i", "image_size.width=48",
      "-i", "image_size.height=32",
      "-i", "output_format=\"png\"",
      "-i", "note=@@literal",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    const data = JSON.parse(stdout);
    expect(data.seed).toBe(7);
    expect(data.images[0]).toMatchObject({ width: 48, height: 32, content_type: "image/png" });
    expect(lastBody(emu, `/run/${SCHNELL}`)).toEqual({
      prompt: "a red fox",
      seed: 7,
      enable_safety_checker: false,
      image_size: { width: 48, height: 32 },
      output_format: "png",
      note: "@literal",
    });
  });

  test("sources merge in order: --input-file, then --input JSON, then -i (later wins, objects merge)", async () => {
    const file = write("base.json", JSON.stringify({ prompt: "from file", seed: 1, image_size: { width: 40, height: 40 } }));
    const { code, stderr } = await cli([
      "run", SCHNELL, ...at(emu),
      "--input-file", file,
      "--input", '{"seed": 2, "num_images": 1}',
      "-i", "image_size.height=24",
      "-i", "seed=3",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(lastBody(emu, `/run/${SCHNELL}`)).toEqual({
      prompt: "from file",
      seed: 3,
      num_images: 1,
      image_size: { width: 40, height: 24 },
    });
  });

  test("--input @file.json and --input - (stdin)", async () => {
    const file = write("input.json", JSON.stringify({ prompt: "at file", seed: 5 }));
    const fromFile = await cli(["run", SCHNELL, ...at(emu), "--input", `@${file}`]);
    expect(fromFile.code).toBe(0);
    expect(lastBody(emu, `/run/${SCHNELL}`)).toEqual({ prompt: "at file", seed: 5 });

    const fromStdin = await cli(["run", SCHNELL, ...at(emu), "--input", "-", "-i", "seed=6"], { stdin: '{"prompt":"piped","seed":1}' });
    expect(fromStdin.code).toBe(0);
    expect(lastBody(emu, `/run/${SCHNELL}`)).toEqual({ prompt: "piped", seed: 6 });
    expect(JSON.parse(fromStdin.stdout).prompt).toBe("piped");
  });

  test("-i key=@file uploads the file and sends its URL", async () => {
    const bytes = crypto.randomBytes(3000);
    const file = write("cat.png", bytes);
    const { code, stdout, stderr } = await cli(["run", KONTEXT, ...at(emu), "-i", "prompt=edit", "-i", `image_url=@${file}`]);
    expect(code).toBe(0);
    const sent = lastBody(emu, `/run/${KONTEXT}`);
    expect(sent.image_url).toMatch(/^http:\/\/.*\/cdn\/files\/.*cat\.png$/);
    expect(emu.storedFile(sent.image_url).bytes.equals(bytes)).toBe(true);
    expect(stderr).toContain(`uploaded ${file} -> ${sent.image_url}`);
    expect(JSON.parse(stdout).prompt).toBe("edit");
  });

  test("--json prints {requestId, data}; --pretty indents", async () => {
    const json = await cli(["run", SCHNELL, ...at(emu), "-i", "prompt=x", "--json"]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.requestId).toMatch(UUID);
    expect(doc.data.prompt).toBe("x");

    const pretty = await cli(["run", SCHNELL, ...at(emu), "-i", "prompt=x", "--pretty"]);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toMatch(/^{\n  "images": \[/);
  });

  test("--download DIR saves the images and prints their paths", async () => {
    const dir = path.join(tmp, "run-out");
    const { code, stdout } = await cli(["run", SCHNELL, ...at(emu), "-i", "prompt=x", "-i", "num_images=2", "--download", dir]);
    expect(code).toBe(0);
    const paths = stdout.trim().split("\n");
    expect(paths).toHaveLength(2);
    for (const file of paths) {
      expect(path.dirname(file)).toBe(dir);
      expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    }
  });

  test("a reader that has gone away (EPIPE on stdout) is not an error", async () => {
    // `true` exits without reading, so the CLI's write hits a closed pipe.
    const command = `'${process.execPath}' '${CLI}' run ${SCHNELL} --emulator ${emu.url} -i prompt=x | true; echo "exit=\${PIPESTATUS[0]}"`;
    const { code, stdout, stderr } = await spawnCollect("bash", ["-c", command], cleanEnv());
    expect(code).toBe(0);
    expect(stdout).toBe("exit=0\n");
    expect(stderr).toBe("");
  });

  test("FAL_KEY and FAL_*_URL from the environment are used without --emulator", async () => {
    const env = cleanEnv({ ...emu.env, FAL_KEY: "env-key" });
    const { code, stdout } = await cli(["run", SCHNELL, "-i", "prompt=env"], { env });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).prompt).toBe("env");
    const hit = emu.requests.filter((r) => r.path === `/run/${SCHNELL}`).pop();
    expect(hit.headers.authorization).toBe("Key env-key");
  });
});

describe("subscribe", () => {
  test("plain progress lines on stderr when not a terminal, the result on stdout", async () => {
    const { code, stdout, stderr } = await cli(["subscribe", SCHNELL, ...at(queued), "-i", "prompt=fox", "--poll-interval", "50"]);
    expect(code).toBe(0);
    expect(stderr).not.toContain("\r");
    const lines = stderr.trim().split("\n");
    const requestId = /^request (\S+)$/.exec(lines[0])?.[1];
    expect(requestId).toMatch(UUID);
    expect(lines).toContainEqual(expect.stringMatching(/^status IN_QUEUE position=\d+ elapsed=\d+\.\ds$/));
    expect(lines).toContainEqual(expect.stringMatching(/^status IN_PROGRESS elapsed=\d+\.\ds$/));
    expect(lines).toContainEqual("log Step 1/3 [33%]");
    expect(lines[lines.length - 1]).toMatch(/^status COMPLETED elapsed=\d+\.\ds$/);
    // Every line is one of the documented kinds, and each log entry appears once.
    for (const line of lines) expect(line).toMatch(/^(request|status|log) /);
    const logs = lines.filter((l) => l.startsWith("log "));
    expect(new Set(logs).size).toBe(logs.length);
    expect(JSON.parse(stdout).prompt).toBe("fox");
  });

  test("--quiet: nothing on stderr; --json and --download DIR together", async () => {
    const dir = path.join(tmp, "sub-out");
    const { code, stdout, stderr } = await cli(["subscribe", SCHNELL, ...at(emu), "-i", "prompt=q", "--quiet", "--json", "--download", dir]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const doc = JSON.parse(stdout);
    expect(doc.requestId).toMatch(UUID);
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0]).toMatchObject({ url: doc.data.images[0].url, contentType: "image/png" });
    expect(fs.readFileSync(doc.files[0].path).subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  });

  test("--header reaches the submit request (an emulator failure scenario: exit 1 with the status)", async () => {
    const { code, stdout, stderr } = await cli(["subscribe", SCHNELL, ...at(emu), "-i", "prompt=x", "-H", "x-fal-emulator-scenario: fail-500", "-q"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.split("\n")[0]).toBe("fal-native: HTTP 500: Internal Server Error");
    expect(stderr).toMatch(/^ {2}request id: /m);
    noStack(stderr);
  });

  test("on a terminal (pseudo-TTY via script): one line redrawn with \\r and erase-line, then a summary", async () => {
    const command = [process.execPath, CLI, "subscribe", SCHNELL, ...at(queued), "-i", "prompt=tty", "--poll-interval", "50"]
      .map((a) => `'${a}'`)
      .join(" ");
    // `script` runs the command on a pseudo-terminal and copies what it prints to its stdout.
    // Async spawn: the emulators live in this process and must keep answering meanwhile.
    const run = await spawnCollect("script", ["-qc", command, "/dev/null"], cleanEnv({ TERM: "xterm" }));
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain("\r\x1b[2K");
    expect(out).toMatch(/\r\x1b\[2K\S+ fal-ai\/flux-1\/schnell {2}IN_QUEUE position \d+ {2}\d+\.\ds/);
    expect(out).toMatch(/\r\x1b\[2K\S+ fal-ai\/flux-1\/schnell {2}IN_PROGRESS {2}\d+\.\ds/);
    expect(out).toContain("\r\x1b[2K  Step 1/3 [33%]");
    expect(out).toMatch(/✔ COMPLETED [0-9a-f-]{36} \(\d+\.\ds\)/);
    // stdout is the terminal too: the result is indented.
    expect(out).toMatch(/{\r?\n {2}"images": \[/);
  });
});

describe("the TTY renderer (fake terminal stream)", () => {
  test("redraws in place, prints each log once above the line, ends with a summary", () => {
    const writes = [];
    let now = 1000;
    const stream = { isTTY: true, columns: 200, write: (t) => writes.push(t) };
    const progress = createQueueProgress(stream, { tty: true, label: "owner/app", now: () => now, tickMs: 0 });
    progress.enqueued("req-1");
    now += 500;
    progress.update({ status: "IN_QUEUE", queue_position: 3 });
    now += 500;
    const log = (message, timestamp) => ({ message, level: "INFO", source: "USER", timestamp });
    progress.update({ status: "IN_PROGRESS", logs: [log("one", "t1")] });
    progress.update({ status: "IN_PROGRESS", logs: [log("one", "t1"), log("two", "t2")] });
    now += 250;
    progress.end("done");
    const text = writes.join("");
    expect(writes.every((w) => w.startsWith("\r\x1b[2K"))).toBe(true);
    expect(text).toContain("owner/app  IN_QUEUE position 3  0.5s  req-1");
    expect(text).toContain("owner/app  IN_PROGRESS  1.0s  req-1");
    expect(text.match(/ {2}one\n/g)).toHaveLength(1);
    expect(text.match(/ {2}two\n/g)).toHaveLength(1);
    expect(text.endsWith("\r\x1b[2Kdone (1.3s)\n")).toBe(true);
    const count = writes.length;
    progress.update({ status: "COMPLETED" });
    expect(writes.length).toBe(count); // nothing after end()
  });

  test("lines longer than the terminal are cut to its width", () => {
    const writes = [];
    const stream = { isTTY: true, columns: 20, write: (t) => writes.push(t) };
    const progress = createQueueProgress(stream, { tty: true, label: "a-very-long-endpoint/name/here", tickMs: 0 });
    progress.end("x");
    expect(writes[0].length).toBe("\r\x1b[2K".length + 19);
  });
});

describe("input building (module level)", () => {
  const { parseField, merge, buildInput } = require("../../dist/lib/cli/input");

  test("a __proto__ key never reaches the prototype", async () => {
    expect(() => parseField("__proto__.polluted=1")).toThrow(/"__proto__" is not allowed/);
    const args = { ordered: [{ name: "input", value: '{"__proto__": {"polluted": true}, "a": {"b": 1}}' }] };
    const input = await buildInput(args, { readStdin: async () => "" });
    expect({}.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(Object.keys(input)).toEqual(["__proto__", "a"]);
    const merged = merge(input, { a: { c: 2 } });
    expect(merged.a).toEqual({ b: 1, c: 2 });
    expect({}.polluted).toBeUndefined();
  });

  test("values: JSON when it parses, else the raw string", () => {
    expect(parseField("a=1.5")).toEqual({ a: 1.5 });
    expect(parseField("a=null")).toEqual({ a: null });
    expect(parseField('a=["x",2]')).toEqual({ a: ["x", 2] });
    expect(parseField("a=1 2")).toEqual({ a: "1 2" });
    expect(parseField("a=")).toEqual({ a: "" });
    expect(parseField("a=b=c")).toEqual({ a: "b=c" });
    expect(parseField("x.y.z=true")).toEqual({ x: { y: { z: true } } });
  });
});

describe("submit, status, result, cancel", () => {
  test("submit prints the id; status, result (--wait) and a late cancel follow it", async () => {
    const submitted = await cli(["submit", SCHNELL, ...at(emu), "-i", "prompt=queued"]);
    expect(submitted.code).toBe(0);
    const requestId = submitted.stdout.trim();
    expect(requestId).toMatch(new RegExp(`^${UUID.source}$`));

    const status = await cli(["status", SCHNELL, requestId, ...at(emu)]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^(IN_QUEUE position=\d+|IN_PROGRESS|COMPLETED)\n$/);

    const result = await cli(["result", SCHNELL, requestId, ...at(emu), "--wait", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ requestId, data: { prompt: "queued" } });
    expect(result.stderr).toMatch(/^status COMPLETED/m);

    const completed = await cli(["status", SCHNELL, requestId, ...at(emu), "--json", "--logs"]);
    expect(completed.code).toBe(0);
    const body = JSON.parse(completed.stdout);
    expect(body).toMatchObject({ status: "COMPLETED", request_id: requestId });
    expect(Array.isArray(body.logs)).toBe(true);

    const again = await cli(["result", SCHNELL, requestId, ...at(emu)]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).prompt).toBe("queued");

    // Cancelling a completed request: fal answers 400, an API error.
    const late = await cli(["cancel", SCHNELL, requestId, ...at(emu)]);
    expect(late.code).toBe(1);
    expect(late.stderr.split("\n")[0]).toMatch(/^fal-native: HTTP 400/);
  });

  test("submit --json prints the IN_QUEUE response; status sees IN_QUEUE; result before completion is exit 1; cancel works", async () => {
    const args = ["--key", STUCK_KEY, ...at(stuck)];
    const submitted = await cli(["submit", SCHNELL, "-i", "prompt=stuck", "--json", ...args]);
    expect(submitted.code).toBe(0);
    const body = JSON.parse(submitted.stdout);
    expect(body).toMatchObject({ status: "IN_QUEUE", request_id: expect.stringMatching(UUID) });
    const requestId = body.request_id;

    const status = await cli(["status", SCHNELL, requestId, ...args]);
    expect(status.stdout).toMatch(/^IN_QUEUE position=\d+\n$/);

    const early = await cli(["result", SCHNELL, requestId, ...args]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/^fal-native: HTTP 400/);

    const cancel = await cli(["cancel", SCHNELL, requestId, ...args, "--json"]);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ request_id: requestId, cancelled: true });
    expect(stuck.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/requests/${requestId}/cancel`))).toBe(true);
  });

  test("a wrong key is an API error (401, exit 1)", async () => {
    const { code, stderr } = await cli(["submit", SCHNELL, "-i", "prompt=x", "--key", "wrong", ...at(stuck)]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^fal-native: HTTP 401/);
  });
});

describe("upload and download", () => {
  test("round trip: the downloaded file has the uploaded bytes", async () => {
    const bytes = crypto.randomBytes(300_000);
    const file = write("blob.bin", bytes);
    const up = await cli(["upload", file, ...at(emu)]);
    expect(up.code).toBe(0);
    const url = up.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cdn\/files\/.*blob\.bin$/);

    const dir = path.join(tmp, "dl");
    const down = await cli(["download", url, "--out", dir]);
    expect(down.code).toBe(0);
    const saved = down.stdout.trim();
    expect(saved).toBe(path.join(dir, "blob.bin"));
    expect(sha256(fs.readFileSync(saved))).toBe(sha256(bytes));
  });

  test("several files: URLs in order; --json gives file and url pairs", async () => {
    const a = write("a.txt", "alpha");
    const b = write("b.txt", "beta");
    const { code, stdout } = await cli(["upload", a, b, ...at(emu), "--json"]);
    expect(code).toBe(0);
    const pairs = JSON.parse(stdout);
    expect(pairs.map((p) => p.file)).toEqual([a, b]);
    expect(emu.storedFile(pairs[1].url).bytes.toString()).toBe("beta");
  });

  test("a missing file is a usage error and nothing is sent", async () => {
    const before = emu.requests.length;
    const { code, stderr } = await cli(["upload", path.join(tmp, "nope.bin"), ...at(emu)]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe(`fal-native: <file>: no such file "${path.join(tmp, "nope.bin")}"`);
    expect(emu.requests.length).toBe(before);
  });

  test("a 404 download is an API error", async () => {
    const { code, stderr } = await cli(["download", `${emu.url}/cdn/files/missing.png`, "--out", path.join(tmp, "none")]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^fal-native: HTTP 404/);
  });
});

describe("errors and exit codes", () => {
  test.each([
    [[], /^fal-native: missing command \(one of: run, subscribe, /],
    [["bogus"], /^fal-native: unknown command "bogus"/],
    [["run"], /^fal-native: missing <endpoint-id>$/],
    [["run", SCHNELL, "extra"], /^fal-native: unexpected argument "extra"$/],
    [["run", SCHNELL, "--nope"], /^fal-native: unknown option --nope for run$/],
    [["run", SCHNELL, "--input"], /^fal-native: --input needs a value/],
    [["run", SCHNELL, "--input", "{bad"], /^fal-native: --input: invalid JSON/],
    [["run", SCHNELL, "--input", "[1,2]"], /^fal-native: --input: expected a JSON object, got an array$/],
    [["run", SCHNELL, "-i", "prompt"], /^fal-native: -i prompt: expected key=value$/],
    [["run", SCHNELL, "-i", "a..b=1"], /^fal-native: -i a\.\.b=1: empty key/],
    [["run", SCHNELL, "-i", "image_url=@/no/such/file.png"], /^fal-native: -i image_url=@\/no\/such\/file\.png: no such file "\/no\/such\/file\.png"$/],
    [["run", SCHNELL, "--input-file", "/no/such.json"], /^fal-native: --input-file \/no\/such\.json: cannot read "\/no\/such\.json" \(no such file\)$/],
    [["run", "not-an-endpoint", "-i", "prompt=x"], /^fal-native: <endpoint-id> must look like owner\/app/],
    [["subscribe", SCHNELL, "--priority", "urgent"], /^fal-native: --priority expects one of low, normal, got "urgent"$/],
    [["subscribe", SCHNELL, "--timeout", "soon"], /^fal-native: --timeout expects a positive number of seconds, got "soon"$/],
    [["subscribe", SCHNELL, "--start-timeout", "0.5"], /^fal-native: --start-timeout expects more than 1 second, got "0.5"$/],
    [["submit", SCHNELL, "-H", "no-colon"], /^fal-native: --header expects 'Name: value', got "no-colon"$/],
    [["status", SCHNELL], /^fal-native: missing <request-id>$/],
    [["download", "ftp://x/y"], /^fal-native: <url> must be an http\(s\) URL, got "ftp:\/\/x\/y"$/],
    [["run", SCHNELL, "--emulator", "nowhere"], /^fal-native: --emulator expects an http\(s\) URL/],
  ])("usage error %j -> exit 2, one line naming the argument", async (args, message) => {
    const before = emu.requests.length;
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n")[0]).toMatch(message);
    expect(stderr).toMatch(/^Run 'fal-native( \w+)? --help' for usage\.$/m);
    noStack(stderr);
    expect(emu.requests.length).toBe(before);
  });

  test("no key anywhere (and no --emulator) -> exit 2", async () => {
    const { code, stderr } = await cli(["run", SCHNELL, "-i", "prompt=x"], { env: cleanEnv({ ...emu.env }) });
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe("fal-native: no API key: set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET) or pass --key");
  });

  test("422 -> exit 1 with every field error listed", async () => {
    const { code, stdout, stderr } = await cli(["run", SCHNELL, ...at(emu), "-i", "num_images=9"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const lines = stderr.trim().split("\n");
    expect(lines[0]).toMatch(/^fal-native: HTTP 422: /);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}body\.prompt: .+ \(missing\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}body\.num_images: .+4/));
    noStack(stderr);
  });

  test("connection refused -> exit 3; --verbose adds the stack", async () => {
    const port = await closedPort();
    const args = ["run", SCHNELL, "--emulator", `http://127.0.0.1:${port}`, "-i", "prompt=x", "--retries", "0"];
    const plain = await cli(args);
    expect(plain.code).toBe(3);
    expect(plain.stderr.trim().split("\n")).toHaveLength(1);
    expect(plain.stderr).toMatch(/^fal-native: POST http:\/\/127\.0\.0\.1:\d+\/run\/fal-ai\/flux-1\/schnell failed.*\(ECONNREFUSED\)$/m);

    const verbose = await cli([...args, "--verbose"]);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/^\s+at /m);
  });

  test("--timeout -> exit 4 and the queued request is cancelled", async () => {
    const { code, stderr } = await cli(["subscribe", SCHNELL, "-i", "prompt=x", "--key", STUCK_KEY, ...at(stuck), "--timeout", "1.5"]);
    expect(code).toBe(4);
    const requestId = /^request (\S+)$/m.exec(stderr)?.[1];
    expect(requestId).toMatch(UUID);
    expect(stderr).toContain(`cancelled request ${requestId}`);
    expect(stderr).toMatch(/^fal-native: timed out after 1\.5s$/m);
    expect(stuck.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/requests/${requestId}/cancel`))).toBe(true);
  });

  test("fal's start timeout (504, timeout type user) -> exit 4 with the API details", async () => {
    const { code, stderr } = await cli(["subscribe", SCHNELL, "-i", "prompt=x", "--key", STUCK_KEY, ...at(stuck), "--start-timeout", "1.2", "--poll-interval", "100"]);
    expect(code).toBe(4);
    expect(stderr).toMatch(/^fal-native: HTTP 504: .* \(start timeout\)$/m);
    expect(stderr).toMatch(/^ {2}request id: [0-9a-f-]{36}$/m);
  });

  test("SIGINT -> exit 130 and the queued request is cancelled", async () => {
    const child = spawn(process.execPath, [CLI, "subscribe", SCHNELL, "-i", "prompt=x", "--key", STUCK_KEY, ...at(stuck)], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    const requestId = await waitFor(() => /^request (\S+)$/m.exec(stderr)?.[1], "the request line", 15_000);
    child.kill("SIGINT");
    const { code } = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain(`cancelled request ${requestId}`);
    expect(stderr).toMatch(/^fal-native: interrupted$/m);
    expect(stuck.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/requests/${requestId}/cancel`))).toBe(true);
  });
});

describe("emulator command", () => {
  test("serves until SIGTERM; other commands can use the printed URL", async () => {
    const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--quiet", "--queue-ms", "5", "--step-ms", "5", "--steps", "2"], {
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += c));
    const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
    try {
      const url = await waitFor(() => /^fal emulator listening on (http:\/\/\S+)$/m.exec(stdout)?.[1], "the listening line", 15_000);
      await waitFor(() => stdout.includes("export FAL_CDN_URL="), "the export lines");
      expect(stdout).toContain(`export FAL_QUEUE_URL=${url}/queue`);

      const { code, stdout: out, stderr } = await cli(["subscribe", SCHNELL, "--emulator", url, "-i", "prompt=own", "-q"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(out).prompt).toBe("own");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  test("a bad option is a usage error", async () => {
    const { code, stderr } = await cli(["emulator", "--port", "http"]);
    expect(code).toBe(2);
    expect(stderr.split("\n")[0]).toBe('fal-native: --port expects a port number, got "http"');
  });
});

describe("doctor", () => {
  test("against the emulator: every check passes (binary, trust store, proxy, key, each host) and exit 0", async () => {
    const { code, stdout } = await cli(["doctor", "--emulator", emu.url]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.every((line) => line.startsWith("ok   "))).toBe(true);
    expect(stdout).toMatch(/^ok {3}native binary: \S+fal_native\.node \((bundled|system) network stack: libcurl\//m);
    expect(stdout).toMatch(/^ok {3}TLS trust store: \d+ CA certificates/m);
    for (const service of ["run", "queue", "rest", "cdn"]) expect(stdout).toMatch(new RegExp(`^ok {3}${service} host: ${emu.url}/${service} answered HTTP \\d+`, "m"));
  });

  test("each failure names its fix, the key is never printed, and the exit code is 1", async () => {
    const env = cleanEnv({ FAL_KEY: "not a key with spaces", NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" });
    const { code, stdout } = await cli(["doctor", "--emulator", `http://127.0.0.1:${await closedPort()}`], { env });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL TLS trust store: .*\n {5}fix: NODE_EXTRA_CA_CERTS=\/nonexistent\/ca\.pem could not be read \(ENOENT\)/m);
    expect(stdout).toMatch(/^FAIL API key: set by FAL_KEY, 21 characters\n {5}fix: a fal key looks like <key id>:<key secret>/m);
    expect(stdout).toMatch(/^FAIL run host: .*\n {5}fix: check the network/m);
    expect(stdout).not.toContain("not a key with spaces");
  });
});

describe("examples/cli/demo.sh", () => {
  test("runs to completion against its own emulator and reports the documented exit codes", async () => {
    const script = path.join(__dirname, "..", "..", "examples", "cli", "demo.sh");
    const { code, stdout, stderr } = await spawnCollect("bash", [script], cleanEnv(), { timeoutMs: 90_000 });
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("invalid input (422): exit 1");
    expect(stdout).toContain("bad JSON: exit 2");
    expect(stdout).toContain("timeout: exit 4");
    expect(stdout).toContain("connection refused: exit 3");
    expect(stdout).toMatch(/^== done/m);
  }, 120_000);
});
