// Adapter for fetch-style servers: a web Request in, a web Response out. This is what Next.js App
// Router route handlers take (`app/api/fal/proxy/route.ts`), and also Hono, Remix, SvelteKit
// endpoints and other Fetch-API servers running on Node.
import { Readable } from "stream";
import { handleProxyRequest, resolveProxyOptions, type ResolvedProxyOptions } from "./handle";
import type { IncomingHeaders, ProxyOptions, ProxyRequest, ProxyResponse } from "./types";

type WebHandler = (request: Request) => Promise<Response>;

export type RouteHandlers = { GET: WebHandler; POST: WebHandler; PUT: WebHandler; DELETE: WebHandler };

function headersOf(request: Request): IncomingHeaders {
  const out: IncomingHeaders = {};
  request.headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

function toProxyRequest(request: Request, adapter: string): ProxyRequest {
  const length = Number(request.headers.get("content-length"));
  const body = request.body ? Readable.fromWeb(request.body as import("stream/web").ReadableStream<Uint8Array>) : null;
  return {
    method: request.method,
    headers: headersOf(request),
    body,
    bodyLength: Number.isFinite(length) && length > 0 ? length : undefined,
    signal: request.signal,
    adapter,
    request,
  };
}

/** fal's body as a web stream that reads only when the consumer pulls (no buffering here). */
function toWebBody(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value as Buffer));
      },
      cancel() {
        body.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

function toWebResponse(answer: ProxyResponse): Response {
  const headers = new Headers();
  for (const [name, value] of answer.headers) headers.append(name, value);
  const body = Buffer.isBuffer(answer.body) ? new Uint8Array(answer.body) : toWebBody(answer.body);
  const nullBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
  if (nullBody && !Buffer.isBuffer(answer.body)) answer.body.resume();
  return new Response(nullBody ? null : body, { status: answer.status, headers });
}

function createWebHandler(adapter: string, resolved: ResolvedProxyOptions): WebHandler {
  return async (request) => toWebResponse(await handleProxyRequest(toProxyRequest(request, adapter), resolved));
}

/**
 * Next.js App Router route handlers:
 *
 *   // app/api/fal/proxy/route.ts
 *   import { createRouteHandler } from "fal-native/proxy";
 *   export const { GET, POST, PUT, DELETE } = createRouteHandler();
 */
export function createRouteHandler(options: ProxyOptions = {}): RouteHandlers {
  const handler = createWebHandler("nextjs-app-router", resolveProxyOptions(options));
  return { GET: handler, POST: handler, PUT: handler, DELETE: handler };
}

/** One `(Request) => Response` function for other Fetch-API servers. */
export function createFetchHandler(options: ProxyOptions = {}): WebHandler {
  return createWebHandler("fetch", resolveProxyOptions(options));
}
