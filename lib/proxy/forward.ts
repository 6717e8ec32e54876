// The upstream request, with node:http/https.
//
// Why not fetch or the native engine: the proxy must pass bytes through as they come, both ways
// (10 MiB storage parts up, SSE events down) without holding whole bodies. node:http streams a
// request body with backpressure, hands the response over as soon as its headers arrive, leaves
// content-encoding alone (fetch would decompress and the headers would no longer describe the
// bytes), and is aborted with the client. fal-native's native engine buffers whole bodies and
// answers once, which suits API calls, not a pass-through.
import * as http from "http";
import * as https from "https";
import { Readable, pipeline } from "stream";

export type UpstreamRequest = {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Readable | Buffer | null;
  signal?: AbortSignal;
};

/** Resolves with fal's response once its headers arrive; its body is still streaming. */
export function sendUpstream(request: UpstreamRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = request.url.protocol === "https:" ? https : http;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    let outgoing: http.ClientRequest;
    try {
      outgoing = transport.request(request.url, { method: request.method, headers: request.headers, signal: request.signal });
    } catch (error) {
      fail(error as Error);
      return;
    }
    outgoing.on("response", (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      resolve(response);
    });
    outgoing.on("error", fail);

    const { body } = request;
    if (body === null) {
      outgoing.end();
    } else if (Buffer.isBuffer(body)) {
      outgoing.end(body);
    } else {
      // A failing client body aborts the upstream request; an upstream failure stops reading it.
      pipeline(body, outgoing, (error) => {
        if (error) fail(error);
      });
    }
  });
}
