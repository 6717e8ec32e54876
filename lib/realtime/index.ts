// fal.realtime: WebSocket connections with msgpack frames (owned by the realtime work, issue 4).
import type { RealtimeClient } from "../../types/realtime";
import type { CallContext } from "../transport";

export function createRealtimeClient(_ctx: CallContext): RealtimeClient {
  return {
    connect: () => {
      throw new Error("fal-native: fal.realtime.connect is not implemented yet");
    },
  };
}
