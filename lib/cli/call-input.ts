// The input of a model call: the merged command-line sources, with local files uploaded.
import type { FalClient } from "../index";
import type { CommandContext } from "./command";
import { buildInput, uploadLocalFiles, type JsonObject } from "./input";

export async function prepareInput(ctx: CommandContext, client: FalClient): Promise<JsonObject> {
  const raw = await buildInput(ctx.args, { readStdin: () => readAll(ctx.io.stdin) });
  return uploadLocalFiles(raw, async (file) => {
    const url = await client.storage.upload(file, { signal: ctx.signal });
    ctx.out.note(`uploaded ${file} -> ${url}`);
    return url;
  });
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer | string) => chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    stream.on("error", reject);
  });
}
