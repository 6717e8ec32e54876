// Realtime types (the implementation is a later issue; the shapes are public already).
import type { TokenProvider } from "./auth";
import type { ApiError } from "../lib/core/errors";

type WithRequestId = {
  request_id: string;
};

export interface RealtimeConnection<Input> {
  send(input: Input & Partial<WithRequestId>): void;
  close(): void;
}

export interface RealtimeConnectionHandler<Output> {
  connectionKey?: string;
  clientOnly?: boolean;
  throttleInterval?: number;
  maxBuffering?: number;
  path?: string;
  encodeMessage?: (input: any) => Uint8Array | string;
  decodeMessage?: (data: any) => Promise<any> | any;
  onResult(result: Output & WithRequestId): void;
  onError?(error: ApiError<any>): void;
  tokenProvider?: TokenProvider;
  tokenExpirationSeconds?: number;
}

export interface RealtimeClient {
  connect<Input = any, Output = any>(app: string, handler: RealtimeConnectionHandler<Output>): RealtimeConnection<Input>;
}
