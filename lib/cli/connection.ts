// The fal client the commands use: the public API, with the key from --key or the environment
// (FAL_KEY, or FAL_KEY_ID + FAL_KEY_SECRET) and base URLs from FAL_*_URL, or all four from
// --emulator <root> (the emulator serves <root>/run, /queue, /rest and /cdn).
import { createFalClient, type FalClient } from "../index";
import type { Config } from "../../types/config";
import { numberOption, stringOption, type OptionTable, type OptionValues } from "./args";
import { UsageError } from "./exit-codes";

/** The emulator accepts any key unless started with --key; this one is used when none is given. */
export const EMULATOR_DEFAULT_KEY = "emulator-key";

export const CONNECTION_OPTIONS: OptionTable = {
  key: { type: "string", value: "KEY", help: "fal API key (default: $FAL_KEY, or $FAL_KEY_ID:$FAL_KEY_SECRET)" },
  emulator: {
    type: "string",
    value: "URL",
    help: "talk to a fal emulator at URL (sets the run, queue, rest and cdn base URLs; the key defaults to a placeholder)",
  },
  timeout: { type: "string", value: "SECONDS", help: "give up after SECONDS (exit 4; a queued request is cancelled)" },
  retries: { type: "string", value: "N", help: "retries of a failed HTTP call (connection errors, 429, 5xx); default 3" },
};

export function hasEnvCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.FAL_KEY) || (Boolean(env.FAL_KEY_ID) && Boolean(env.FAL_KEY_SECRET));
}

/** Base URLs under an emulator root URL. */
export function emulatorBaseUrls(root: string): NonNullable<Config["baseUrls"]> {
  let url: URL;
  try {
    url = new URL(root);
  } catch {
    throw new UsageError(`--emulator expects an http(s) URL such as http://127.0.0.1:8787, got "${root}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--emulator expects an http(s) URL, got "${root}"`);
  }
  const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return { run: `${base}/run`, queue: `${base}/queue`, rest: `${base}/rest`, cdn: `${base}/cdn` };
}

/**
 * `needsKey`: commands that call authenticated fal APIs refuse to start without a key (exit 2)
 * instead of sending a request that can only come back 401.
 */
export function connect(values: OptionValues, { needsKey = true } = {}): FalClient {
  const key = stringOption(values, "key");
  const emulator = stringOption(values, "emulator");
  if (key === "") throw new UsageError("--key must not be empty");
  const config: Config = {};
  if (emulator !== undefined) {
    config.baseUrls = emulatorBaseUrls(emulator);
    config.credentials = key ?? (hasEnvCredentials() ? undefined : EMULATOR_DEFAULT_KEY);
  } else {
    if (key !== undefined) config.credentials = key;
    else if (needsKey && !hasEnvCredentials()) {
      throw new UsageError("no API key: set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET) or pass --key");
    }
  }
  const retries = numberOption(values, "retries", "a whole number of retries");
  if (retries !== undefined) {
    if (!Number.isInteger(retries)) throw new UsageError(`--retries expects a whole number of retries, got "${retries}"`);
    config.retry = { maxRetries: retries };
  }
  if (config.credentials === undefined) delete config.credentials; // the library reads the environment
  return createFalClient(config);
}
