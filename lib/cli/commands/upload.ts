// fal-native upload: upload local files to fal storage and print their URLs.
import * as fs from "fs";
import { connect, CONNECTION_OPTIONS } from "../connection";
import type { Command } from "../command";
import { UsageError } from "../exit-codes";

export const uploadCommand: Command = {
  name: "upload",
  summary: "upload local files to fal storage and print their URLs",
  usage: ["upload <file>... [--json]"],
  description: "Prints one URL per file on stdout, in the order given. With --json: [{\"file\", \"url\"}].",
  optionGroups: [{ title: "Connection", options: CONNECTION_OPTIONS }],
  positionals: { min: 1, max: Infinity, names: ["<file>"] },
  examples: ["url=$(fal-native upload ./cat.png)"],
  async run(ctx) {
    const files = ctx.args.positionals;
    for (const file of files) {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        throw new UsageError(`<file>: no such file "${file}"`);
      }
      if (!stat.isFile()) throw new UsageError(`<file>: "${file}" is not a regular file`);
    }
    const client = connect(ctx.args.values);
    const uploaded: Array<{ file: string; url: string }> = [];
    // One after another, so the URLs come out in order even without --json and a failure names its file.
    for (const file of files) {
      const url = await client.storage.upload(file, { signal: ctx.signal });
      uploaded.push({ file, url });
      if (!ctx.out.json) ctx.out.printLine(url);
    }
    if (ctx.out.json) ctx.out.printJson(uploaded);
    return 0;
  },
};
