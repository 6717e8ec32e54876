// Lazy access to the generated endpoint catalogue. Nothing is read at emulator start: the JSON
// (about 1 MB) is read and parsed the first time an endpoint id without a hand-written model is
// asked for, then kept for the life of the process (all emulators share it).

import * as fs from "node:fs";
import * as path from "node:path";
import type { CatalogueEndpoint, CatalogueFile } from "./types";

/** Where the build puts it (scripts/generate-catalogue.js). FAL_NATIVE_CATALOGUE overrides, for tests. */
function cataloguePath(): string {
  return process.env.FAL_NATIVE_CATALOGUE ?? path.join(__dirname, "catalogue.json");
}

let loaded: CatalogueFile | null | undefined;
let appIds: Set<string> | undefined;

function catalogue(): CatalogueFile | null {
  if (loaded !== undefined) return loaded;
  try {
    loaded = JSON.parse(fs.readFileSync(cataloguePath(), "utf8")) as CatalogueFile;
  } catch (error) {
    // Built without the catalogue (e.g. tsc alone): only the hand-written models are served.
    process.emitWarning(`fal-native emulator: endpoint catalogue unavailable (${(error as Error).message}); run npm run build:ts`);
    loaded = null;
  }
  return loaded;
}

export function catalogueEndpoint(id: string): CatalogueEndpoint | undefined {
  const file = catalogue();
  const entry = file && Object.prototype.hasOwnProperty.call(file.endpoints, id) ? file.endpoints[id] : undefined;
  return entry && file ? { id, input: entry.input, output: entry.output, definitions: file.definitions } : undefined;
}

/** Every endpoint id in the catalogue (sorted). */
export function catalogueIds(): string[] {
  const file = catalogue();
  return file ? Object.keys(file.endpoints).sort() : [];
}

/** True when some catalogue endpoint lives under this `[ns/]owner/alias` app id. */
export function catalogueHasApp(appId: string): boolean {
  if (!appIds) {
    appIds = new Set();
    for (const id of catalogueIds()) {
      const parts = id.split("/");
      const take = parts[0] === "workflows" || parts[0] === "comfy" ? 3 : 2;
      appIds.add(parts.slice(0, take).join("/"));
    }
  }
  return appIds.has(appId);
}

/** The versions the catalogue was generated from (undefined when it is missing). */
export function catalogueSource(): CatalogueFile["source"] | undefined {
  return catalogue()?.source;
}
