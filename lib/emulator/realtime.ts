// Realtime WebSocket endpoint (wire doc 10.1, checklist row 10):
//
//   GET <url>/run/<owner>/<app>/realtime?fal_jwt_token=<token>[&max_buffering=1..60]   (Upgrade)
//
// Any path after the app is accepted (the client's `path` option). Without a token the upgrade
// may carry `Authorization: Key ...` instead (the Python client's use_jwt=False); with neither
// the handshake is refused with 401. A token that is invalid, expired or for another app is
// answered after the upgrade with {"status":"error","error":"Unauthorized"} and close 1008.
// Sessions: realtime-session.ts. Tokens: tokens.ts.

import { WebSocketServer } from "ws";
import { checkAuthorization } from "./auth";
import { parseEndpointId } from "./endpoint-id";
import { replyDetail, type Ctx } from "./http";
import { realtimeModel } from "./models";
import { RealtimeSocketSession } from "./realtime-session";
import { takeUpgrade } from "./server";
import type { EmulatorState } from "./state";
import { verifyToken } from "./tokens";

const MAX_FRAME_BYTES = 20 * 1024 * 1024;
const DEFAULT_MAX_BUFFERING = 60;

const socketServers = new WeakMap<EmulatorState, WebSocketServer>();

function socketServer(state: EmulatorState): WebSocketServer {
  let server = socketServers.get(state);
  if (!server) {
    // noServer: the emulator's HTTP server routes the upgrade; its close() destroys these sockets.
    server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    socketServers.set(state, server);
  }
  return server;
}

/** Every WebSocket upgrade request comes here (routes.ts); anything but a realtime app is refused. */
export function handleRealtimeUpgrade(ctx: Ctx, state: EmulatorState): void {
  const [host, ...rest] = ctx.segments;
  const id = host === "run" ? parseEndpointId(rest) : undefined;
  if (!id) return replyDetail(ctx, 404, `Path ${ctx.path} does not accept WebSocket connections`);
  const model = realtimeModel(id.appId);
  if (!model) return replyDetail(ctx, 404, `App ${id.appId} has no realtime endpoint`);

  const rawBuffering = ctx.query.get("max_buffering");
  let maxBuffering = DEFAULT_MAX_BUFFERING;
  if (rawBuffering !== null) {
    maxBuffering = Number(rawBuffering);
    if (!/^\d+$/.test(rawBuffering) || maxBuffering < 1 || maxBuffering > 60) {
      return replyDetail(ctx, 400, `max_buffering must be an integer between 1 and 60, got ${JSON.stringify(rawBuffering)}`);
    }
  }

  const token = ctx.query.get("fal_jwt_token");
  let tokenOk = true;
  if (token === null) {
    const auth = checkAuthorization(ctx.headers["authorization"], state.apiKey);
    if (!auth.ok) return replyDetail(ctx, 401, auth.detail, { "www-authenticate": "Key" });
  } else {
    const [owner, alias] = id.appId.split("/").slice(-2);
    tokenOk = verifyToken(state, token, { owner, alias }).ok;
  }

  const upgrade = takeUpgrade(ctx);
  if (!upgrade) return;
  socketServer(state).handleUpgrade(upgrade.req, upgrade.socket, upgrade.head, (ws) => {
    if (!tokenOk) {
      RealtimeSocketSession.refuse(ws);
      return;
    }
    new RealtimeSocketSession(ws, {
      model,
      files: state.files,
      origin: ctx.origin,
      maxBuffering,
      idleMs: state.timing.realtimeIdleMs,
      inferenceMs: state.timing.stepMs,
    }).start();
  });
}
