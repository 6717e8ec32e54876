// Printing a model result, optionally after saving its media files (--download DIR).
//
//   default      the result data as JSON
//   --download   the saved file paths, one per line
//   --json       {"requestId", "data"} (+ "files" with --download) as one JSON document
import * as path from "path";
import type { FalClient } from "../index";
import type { Result } from "../../types/common";
import { stringOption } from "./args";
import type { CommandContext } from "./command";

export async function printResult(ctx: CommandContext, client: FalClient, result: Result<unknown>): Promise<void> {
  const dir = stringOption(ctx.args.values, "download");
  const { out } = ctx;
  if (dir === undefined) {
    out.printJson(out.json ? { requestId: result.requestId, data: result.data } : result.data);
    return;
  }
  // A trailing separator makes the library treat `dir` as a directory even for one file.
  const to = dir.endsWith(path.sep) ? dir : `${dir}${path.sep}`;
  const saved = await client.storage.downloadResultMedia(result.data, { to, signal: ctx.signal });
  const files = saved.map(({ url, path: file, contentType, size }) => ({ url, path: file, contentType, size }));
  if (out.json) {
    out.printJson({ requestId: result.requestId, data: result.data, files });
    return;
  }
  if (files.length === 0) out.note("the result has no media files to download");
  for (const file of files) out.printLine(file.path ?? "");
}
