// Type tests: programs written against @fal-ai/client must compile unchanged against fal-native,
// with typed input and output for the endpoints of the official generated map. Each case runs
// `tsc --noEmit` over a set of fixtures and expects exit code 0; the fixtures carry their negative
// checks as `// @ts-expect-error` lines, which tsc reports when they stop being errors. Runs
// against the built declarations in dist/ (npm test builds them first).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { runNode } = require("../helpers/run-node");

const ROOT = path.resolve(__dirname, "../..");
const TSC = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
// TypeScript 6 and 7 are devDependencies under npm aliases (package.json). 7 is the native (Go)
// compiler; its bin/tsc is a Node launcher of the platform binary, so it runs like the others
// (by path: its package "exports" hide bin/).
const COMPILERS = [
  { name: "TypeScript 5", tsc: TSC, major: 5 },
  { name: "TypeScript 6", tsc: path.join(ROOT, "node_modules/typescript-6/bin/tsc"), major: 6 },
  { name: "TypeScript 7", tsc: path.join(ROOT, "node_modules/typescript-7/bin/tsc"), major: 7 },
];
// One compile loads the 2 MB endpoint map: about 5 s alone on the 2-core CI machine, several times
// that when other tests run beside it.
const COMPILE_TIMEOUT_MS = 240_000;

async function compile(tsconfig, tsc = TSC) {
  const run = await runNode(tsc, ["--noEmit", "--pretty", "false", "-p", tsconfig], { timeoutMs: COMPILE_TIMEOUT_MS });
  const output = `${run.stdout}${run.stderr}`.trim();
  return { ...run, output };
}

function expectCompiles(result, what) {
  const summary = result.timedOut ? `tsc timed out after ${COMPILE_TIMEOUT_MS} ms` : `tsc exit code ${result.code}`;
  if (result.code !== 0) throw new Error(`${what} does not type-check (${summary}):\n${result.output}`);
  expect(result.code).toBe(0);
}

function filesIn(dir) {
  return fs.readdirSync(path.join(__dirname, dir)).filter((name) => name.endsWith(".ts"));
}

beforeAll(() => {
  for (const built of ["dist/lib/index.d.ts", "dist/types/endpoints.d.ts", "dist/types/endpoints.js"]) {
    if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: build first (npx tsc -p tsconfig.json)`);
  }
});

describe("fixtures written against @fal-ai/client", () => {
  test("cover every JavaScript example of the seed model pages", () => {
    // 86 examples were extracted (test/types/extract-seed-examples.js); the Python-only pages are
    // translated in seed-python-pages.ts.
    expect(filesIn("fixtures/official/seeds").length).toBe(86);
    expect(filesIn("fixtures/official")).toEqual(expect.arrayContaining(["seed-python-pages.ts", "readme-quick-start.ts"]));
  });

  test(
    "compile against the real @fal-ai/client (they are genuine official-client programs)",
    async () => expectCompiles(await compile(path.join(__dirname, "tsconfig.official.json")), "fixtures/official vs @fal-ai/client"),
    COMPILE_TIMEOUT_MS + 10_000,
  );

});

describe("fixtures written against @fal-ai/client, with fal-native installed under that name", () => {
  // What a user gets from `"@fal-ai/client": "npm:fal-native"` in package.json: node_modules/@fal-ai/client
  // is fal-native (its package.json, so its "exports", "types" and typesVersions, and its built
  // declarations), while fal-native's own import of the official types (FalStream, the endpoint
  // map) resolves to the real @fal-ai/client it depends on (npm nests it; here the symlinked dist/
  // resolves it from this repository). The official fixtures compile unchanged, with skipLibCheck
  // false so fal-native's declarations are checked as well.
  let project;

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-as-official-"));
    const stub = path.join(project, "node_modules", "@fal-ai", "client");
    fs.mkdirSync(stub, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "package.json"), path.join(stub, "package.json"));
    fs.symlinkSync(path.join(ROOT, "dist"), path.join(stub, "dist"), "dir");
    fs.mkdirSync(path.join(project, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules/@types/node"), path.join(project, "node_modules/@types/node"), "dir");
    fs.mkdirSync(path.join(project, "fixtures"));
    fs.copyFileSync(path.join(__dirname, "fixtures/assert.ts"), path.join(project, "fixtures/assert.ts"));
    fs.cpSync(path.join(__dirname, "fixtures/official"), path.join(project, "fixtures/official"), { recursive: true });
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "official-client-app", private: true, type: "module" }));
    const base = JSON.parse(fs.readFileSync(path.join(__dirname, "tsconfig.base.json"), "utf8"));
    const config = {
      compilerOptions: { ...base.compilerOptions, skipLibCheck: false },
      include: ["fixtures/assert.ts", "fixtures/official/**/*.ts"],
    };
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(config, null, 2));
  });

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  test("the stub resolves to fal-native's declarations", () => {
    const stubbed = require(path.join(project, "node_modules/@fal-ai/client/package.json"));
    expect(stubbed.name).toBe("fal-native");
    expect(fs.realpathSync(path.join(project, "node_modules/@fal-ai/client", stubbed.types))).toBe(
      path.join(ROOT, "dist/lib/index.d.ts"),
    );
  });

  // TypeScript 5 and 7 (6 is TypeScript 5's JavaScript checker with new defaults, which the
  // explicit compilerOptions here override; 7 is the separate Go implementation).
  test.each(COMPILERS.filter(({ major }) => major !== 6))(
    "compile unchanged ($name)",
    async ({ tsc }) => expectCompiles(await compile(path.join(project, "tsconfig.json"), tsc), "fixtures/official vs fal-native"),
    COMPILE_TIMEOUT_MS + 10_000,
  );
});

describe("fixtures importing fal-native", () => {
  test(
    "README examples, endpoint type identity with the official map, byte inputs",
    async () => expectCompiles(await compile(path.join(__dirname, "tsconfig.fal-native.json")), "fixtures/fal-native"),
    COMPILE_TIMEOUT_MS + 10_000,
  );
});

describe("an application with fal-native installed in node_modules", () => {
  let project;

  beforeAll(() => {
    // A throwaway project whose node_modules/fal-native is this checkout, so the package.json
    // "exports"/"types" fields are what resolves the imports.
    project = fs.mkdtempSync(path.join(os.tmpdir(), "fal-native-types-"));
    fs.mkdirSync(path.join(project, "node_modules"));
    fs.symlinkSync(ROOT, path.join(project, "node_modules", "fal-native"), "dir");
    fs.mkdirSync(path.join(project, "fixtures", "consumer"), { recursive: true });
    fs.copyFileSync(path.join(__dirname, "fixtures/assert.ts"), path.join(project, "fixtures/assert.ts"));
    for (const name of filesIn("fixtures/consumer")) {
      fs.copyFileSync(path.join(__dirname, "fixtures/consumer", name), path.join(project, "fixtures/consumer", name));
    }
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer-app", private: true }));
  });

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  function writeConfig(name, compilerOptions, files) {
    const config = {
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        strict: true,
        noEmit: true,
        // Checks fal-native's published .d.ts files (and the official map they re-export) too.
        skipLibCheck: false,
        typeRoots: [path.join(ROOT, "node_modules/@types")],
        types: ["node"],
        ...compilerOptions,
      },
      files,
    };
    const file = path.join(project, `tsconfig.${name}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  const allFixtures = () => ["fixtures/assert.ts", ...filesIn("fixtures/consumer").map((name) => `fixtures/consumer/${name}`)];

  test(
    "module node16: fal-native and fal-native/endpoints resolve through package.json exports",
    async () => {
      const config = writeConfig("node16", { module: "node16", moduleResolution: "node16" }, allFixtures());
      expectCompiles(await compile(config), "consumer project (node16)");
    },
    COMPILE_TIMEOUT_MS + 10_000,
  );

  test(
    "module commonjs, moduleResolution node10: the main entry and fal-native/endpoints resolve (types, typesVersions)",
    async () => {
      const config = writeConfig("node10", { module: "commonjs", moduleResolution: "node10" }, [
        "fixtures/assert.ts",
        "fixtures/consumer/app.ts",
        "fixtures/consumer/endpoints-subpath.ts",
      ]);
      expectCompiles(await compile(config), "consumer project (node10)");
    },
    COMPILE_TIMEOUT_MS + 10_000,
  );
});

describe.each(COMPILERS)("$name", ({ tsc, major }) => {
  // A strict application with fal-native (and @types/node) installed, under each `types` setting:
  // unset (TypeScript 5 then loads every visible @types package, 6 and 7 none), [] (none), and
  // ["node"]. fal-native's main entry must compile in all of them, as @fal-ai/client's does.
  let project;

  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), `fal-native-ts${major}-`));
    fs.mkdirSync(path.join(project, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(ROOT, path.join(project, "node_modules", "fal-native"), "dir");
    // Only @types/node is visible, as in a typical application (not this repository's jest types).
    fs.symlinkSync(path.join(ROOT, "node_modules/@types/node"), path.join(project, "node_modules/@types/node"), "dir");
    // The fixtures compare with the official client's types.
    fs.symlinkSync(path.join(ROOT, "node_modules/@fal-ai"), path.join(project, "node_modules/@fal-ai"), "dir");
    fs.cpSync(path.join(__dirname, "fixtures"), path.join(project, "fixtures"), { recursive: true });
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer-app", private: true, type: "module" }));
  });

  afterAll(() => {
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  function writeConfig(name, compilerOptions, files) {
    const config = {
      compilerOptions: {
        target: "ES2022",
        // As test/types/tsconfig.base.json (the fixtures' relative imports have no extension).
        module: "ES2022",
        moduleResolution: "bundler",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        strict: true,
        noEmit: true,
        // fal-native's published .d.ts files are checked too (and the official ones they import).
        skipLibCheck: false,
        ...compilerOptions,
      },
      files,
    };
    const file = path.join(project, `tsconfig.${name}.json`);
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  }

  const withoutNode = ["fixtures/assert.ts", "fixtures/without-node/main-entry.ts", "fixtures/without-node/electron-preload.ts"];

  test(
    "the main entry and fal-native/electron/preload compile with `types` unset and with `types: []`",
    async () => {
      expectCompiles(await compile(writeConfig("types-unset", {}, withoutNode), tsc), "types unset");
      expectCompiles(await compile(writeConfig("types-empty", { types: [] }, withoutNode), tsc), "types []");
    },
    2 * COMPILE_TIMEOUT_MS + 10_000,
  );

  test(
    "with `types: []` and only @types/node installed, the Node-only entries (emulator, proxy, webhooks, electron) compile: they reference Node's types themselves",
    async () => {
      const files = ["fixtures/node-subpaths/subpaths.ts"];
      expectCompiles(await compile(writeConfig("node-subpaths", { types: [] }, files), tsc), "Node-only entries, types []");
    },
    COMPILE_TIMEOUT_MS + 10_000,
  );

  test(
    "applications can add their own endpoints to EndpointTypeMap, and the clients stay assignable to the official FalClient",
    async () => {
      // A program of its own: the merge applies to every file of a program.
      const files = ["fixtures/assert.ts", ...filesIn("fixtures/custom-endpoints").map((name) => `fixtures/custom-endpoints/${name}`)];
      expectCompiles(await compile(writeConfig("custom-endpoints", { types: ["node"] }, files), tsc), "fixtures/custom-endpoints");
    },
    COMPILE_TIMEOUT_MS + 10_000,
  );

  test(
    'with `types: ["node"]`: the fal-native fixtures (assignability to the official types, Node inputs)',
    async () => {
      const files = ["fixtures/assert.ts", ...filesIn("fixtures/fal-native").map((name) => `fixtures/fal-native/${name}`)];
      expectCompiles(await compile(writeConfig("types-node", { types: ["node"] }, files), tsc), 'types ["node"]');
    },
    COMPILE_TIMEOUT_MS + 10_000,
  );
});

describe("the ./endpoints entry", () => {
  test("re-exports @fal-ai/client/endpoints and needs nothing at run time", () => {
    const declarations = fs.readFileSync(path.join(ROOT, "dist/types/endpoints.d.ts"), "utf8");
    expect(declarations).toMatch(/export type \* from "@fal-ai\/client\/endpoints";/);
    expect(declarations).toMatch(/export interface EndpointTypeMap extends OfficialEndpointTypeMap/);
    const js = fs.readFileSync(path.join(ROOT, "dist/types/endpoints.js"), "utf8");
    expect(js).not.toMatch(/require\(/);
    expect(require(path.join(ROOT, "dist/types/endpoints.js"))).toEqual({});
  });

  test("the @fal-ai/client dependency range is the one whose map is re-exported", () => {
    const pkg = require(path.join(ROOT, "package.json"));
    // Read from disk: @fal-ai/client's "exports" does not expose its package.json.
    const official = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@fal-ai/client/package.json"), "utf8"));
    expect(pkg.dependencies["@fal-ai/client"]).toMatch(/^~1\.10\./);
    expect(official.version).toMatch(/^1\.10\./);
    expect(pkg.exports["./endpoints"]).toEqual({ types: "./dist/types/endpoints.d.ts", default: "./dist/types/endpoints.js" });
  });
});
