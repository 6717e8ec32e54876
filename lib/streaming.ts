// fal.stream: SSE streaming (issue 4).
import type { StreamingClient } from "../types/streaming";
import type { CallContext } from "./transport";
import type { StorageClient } from "../types/storage";

export function createStreamingClient(_ctx: CallContext, _storage: StorageClient): StreamingClient {
  return {
    stream: async () => {
      throw new Error("fal-native: fal.stream (SSE streaming) is not implemented yet");
    },
  };
}
