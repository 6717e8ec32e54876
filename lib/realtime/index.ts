// fal.realtime: WebSocket connections with msgpack frames, over the `ws` package (Node 18 and 20
// have no global WebSocket; libcurl's WebSocket support is not in Debian's build), so this part
// of fal-native runs in JavaScript, not in the native addon.
import type { RealtimeClient, RealtimeConnection } from "../../types/realtime";
import type { CallContext } from "../core/transport";
import { isBrowser } from "../core/runtime";
import { SessionCache } from "./cache";
import { checkRealtimeArguments } from "./options";
import { RealtimeSession } from "./session";

/** `clientOnly` outside a browser: a connection that does nothing, as officially. */
const NO_OP_CONNECTION: RealtimeConnection<any> = Object.freeze({
  send: () => undefined,
  close: () => undefined,
});

export function createRealtimeClient(ctx: CallContext): RealtimeClient {
  const cache = new SessionCache();

  function connect<Input = any, Output = any>(app: string, handler: any): RealtimeConnection<Input> {
    const options = checkRealtimeArguments(app, handler);
    // The official default is "true when React renders on the server"; fal-native is server-side
    // and has no React, so only an explicit clientOnly: true gives the no-op connection.
    if (options.clientOnly && !isBrowser()) return NO_OP_CONNECTION;

    const callbacks = { onResult: options.onResult, onError: options.onError, decodeMessage: options.decodeMessage };
    const key = options.connectionKey;
    let session = key !== undefined ? cache.get(key) : undefined;
    if (session) {
      // The same key shares one connection (its first options win); the newest callbacks are used.
      session.callbacks = callbacks;
    } else {
      session = new RealtimeSession(ctx, options, callbacks);
      if (key !== undefined) cache.claim(key, session);
    }
    const shared = session;
    return {
      send(input: Input & Partial<{ request_id: string }>): void {
        if (key !== undefined) cache.claim(key, shared); // a send after close() reconnects, and shares again
        shared.send(input);
      },
      close(): void {
        if (key !== undefined) cache.release(key, shared);
        shared.close();
      },
    };
  }

  return { connect: connect as RealtimeClient["connect"] };
}
