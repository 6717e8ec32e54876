// The input of a model call, in two steps so bad input is reported before anything is sent:
// readInput merges the command-line sources (no network), uploadInputFiles then uploads the
// `-i key=@file` values through the client and puts their URLs in place.
import type { FalClient } from "../index";
import type { CommandContext } from "./command";
import { buildInput, uploadLocalFiles, type JsonObject } from "./input";

export function readInput(ctx: CommandContext): Promise<JsonObject> {
  return buildInput(ctx.args, { readStdin: () => readAll(ctx.io.stdin) });
}

export function uploadInputFiles(ctx: CommandContext, client: FalClient, input: JsonObject): Promise<JsonObject> {
  return uploadLocalFiles(input, async (file) => {
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
