// fal-native download: fetch URLs (fal media, or any http(s) URL) into a directory.
import * as path from "path";
import { stringOption } from "../args";
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { UsageError } from "../exit-codes";

export const downloadCommand: Command = {
  name: "download",
  summary: "download URLs into a directory and print the saved paths",
  usage: ["download <url>... [--out DIR] [--json]"],
  description:
    "Files are named after the last segment of each URL and written atomically (temporary file,\n" +
    "then rename). Prints one path per URL on stdout; with --json [{\"url\", \"path\", \"contentType\", \"size\"}].\n" +
    "No API key is needed or sent.",
  optionGroups: [
    { title: "Download", options: { out: { type: "string", short: "o", value: "DIR", help: "directory to save into (default: the current directory)" } } },
    { title: "Connection", options: CONNECTION_OPTIONS },
  ],
  positionals: { min: 1, max: Infinity, names: ["<url>"] },
  examples: ["fal-native download https://v3.fal.media/files/.../image.png --out ./out"],
  async run(ctx) {
    const urls = ctx.args.positionals;
    for (const url of urls) {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw new UsageError(`<url> must be an http(s) URL, got "${url}"`);
    }
    const dir = stringOption(ctx.args.values, "out") ?? ".";
    const to = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
    const client = connect(ctx.args.values, { needsKey: false });
    const saved = await client.storage.download(urls, { to, signal: ctx.signal });
    if (ctx.out.json) {
      ctx.out.printJson(saved.map(({ url, path: file, contentType, size }) => ({ url, path: file, contentType, size })));
    } else {
      for (const file of saved) ctx.out.printLine(file.path ?? "");
    }
    return 0;
  },
};
