// Option groups shared by several commands, and their translation into client options.
import { choiceOption, numberOption, stringList, stringOption, type OptionTable, type OptionValues } from "./args";
import { UsageError } from "./exit-codes";

export const INPUT_OPTIONS: OptionTable = {
  input: { type: "string", value: "JSON|@FILE|-", help: "input as a JSON object, @file.json, or - for stdin" },
  "input-file": { type: "string", value: "FILE", help: "input from a JSON file (- for stdin)" },
  "input-field": {
    type: "string",
    short: "i",
    multiple: true,
    value: "KEY=VALUE",
    help: "one input field (repeatable); VALUE is JSON if it parses, else a string; a.b=1 nests; key=@path uploads a local file",
  },
};

export const QUEUE_SUBMIT_OPTIONS: OptionTable = {
  webhook: { type: "string", value: "URL", help: "URL fal calls when the request completes" },
  priority: { type: "string", value: "low|normal", help: "queue priority (default normal)" },
  hint: { type: "string", value: "HINT", help: "runner hint (x-fal-runner-hint)" },
  "start-timeout": { type: "string", value: "SECONDS", help: "server-side start timeout: fal gives up if the request has not started by then" },
  header: { type: "string", short: "H", multiple: true, value: "'NAME: VALUE'", help: "extra header on the submit request (repeatable)" },
};

export const DOWNLOAD_OPTIONS: OptionTable = {
  download: { type: "string", value: "DIR", help: "save the result's images/video/audio into DIR; stdout lists the saved paths" },
};

export interface SubmitOptionsFromArgs {
  webhookUrl?: string;
  priority?: "low" | "normal";
  hint?: string;
  startTimeout?: number;
  headers?: Record<string, string>;
}

export function submitOptionsFrom(values: OptionValues): SubmitOptionsFromArgs {
  const options: SubmitOptionsFromArgs = {};
  const webhook = stringOption(values, "webhook");
  if (webhook !== undefined) {
    if (!/^https?:\/\//i.test(webhook)) throw new UsageError(`--webhook expects an http(s) URL, got "${webhook}"`);
    options.webhookUrl = webhook;
  }
  const priority = choiceOption(values, "priority", ["low", "normal"] as const);
  if (priority) options.priority = priority;
  const hint = stringOption(values, "hint");
  if (hint !== undefined) options.hint = hint;
  const startTimeout = numberOption(values, "start-timeout", "a number of seconds");
  if (startTimeout !== undefined) {
    // fal's minimum; the library would reject it too, but as a plain Error.
    if (!(startTimeout > 1)) throw new UsageError(`--start-timeout expects more than 1 second, got "${startTimeout}"`);
    options.startTimeout = startTimeout;
  }
  const headers = stringList(values, "header");
  if (headers.length) options.headers = Object.fromEntries(headers.map(parseHeader));
  return options;
}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  const name = colon > 0 ? text.slice(0, colon).trim() : "";
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`--header expects 'Name: value', got "${text}"`);
  }
  return [name, text.slice(colon + 1).trim()];
}

/** --timeout in seconds, or undefined. */
export function timeoutSeconds(values: OptionValues): number | undefined {
  const seconds = numberOption(values, "timeout", "a positive number of seconds");
  if (seconds === 0) throw new UsageError(`--timeout expects a positive number of seconds, got "0"`);
  return seconds;
}
