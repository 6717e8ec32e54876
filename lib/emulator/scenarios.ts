// Test scenarios: per-request switches that make the simulated model misbehave on purpose.
// The values are documented at the top of routes.ts.

export const SCENARIO_HEADER = "x-fal-emulator-scenario";
/** Input field alternative, for callers that cannot set headers (the JS client's `run`). Ignored by validation. */
export const SCENARIO_INPUT_FIELD = "fal_emulator_scenario";

export const SCENARIOS = [
  "fail-500",
  "fail-422",
  "fail-503",
  "slow",
  "nsfw",
  "ignore-cancel",
  "webhook-bad-signature",
  "webhook-stale-timestamp",
  "webhook-duplicate",
  "webhook-non-json",
] as const;

export type Scenario = (typeof SCENARIOS)[number];

/** How much longer everything takes under `slow`. */
export const SLOW_FACTOR = 10;

export type ScenarioParse = { ok: true; scenarios: Set<Scenario> } | { ok: false; unknown: string };

/** Read the comma-separated scenario list from the header and/or the input field. */
export function parseScenarios(header: string | undefined, input: unknown): ScenarioParse {
  const fromInput =
    input && typeof input === "object" && !Array.isArray(input)
      ? (input as Record<string, unknown>)[SCENARIO_INPUT_FIELD]
      : undefined;
  const names = [header, typeof fromInput === "string" ? fromInput : undefined]
    .filter((value): value is string => typeof value === "string")
    .flatMap((value) => value.split(","))
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== "");
  const scenarios = new Set<Scenario>();
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) return { ok: false, unknown: name };
    scenarios.add(name as Scenario);
  }
  return { ok: true, scenarios };
}

/**
 * Storage fault scenarios, chosen with the same header on the initiate call and applied to the
 * PUTs of that upload (documented in routes.ts). Kept apart from SCENARIOS: they mean nothing
 * to a model request, and model scenarios mean nothing to an upload, so each side rejects the
 * other's values as unknown.
 */
export const STORAGE_SCENARIOS = ["part-fail-once", "part-fail-always", "put-fail-once"] as const;

export type StorageScenario = (typeof STORAGE_SCENARIOS)[number];

export type StorageScenarioParse = { ok: true; scenarios: Set<StorageScenario> } | { ok: false; unknown: string };

export function parseStorageScenarios(header: string | undefined): StorageScenarioParse {
  const scenarios = new Set<StorageScenario>();
  for (const raw of (header ?? "").split(",")) {
    const name = raw.trim().toLowerCase();
    if (name === "") continue;
    if (!(STORAGE_SCENARIOS as readonly string[]).includes(name)) return { ok: false, unknown: name };
    scenarios.add(name as StorageScenario);
  }
  return { ok: true, scenarios };
}
