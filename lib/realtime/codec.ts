// Realtime frames: msgpack binary by default (wire doc 10.3). A custom encoder may produce a
// string, sent as a text frame; text frames that arrive are JSON, binary ones msgpack.
import { decode, encode } from "@msgpack/msgpack";

/** What goes on the wire: a string is a text frame, bytes a binary frame. */
export type Frame = string | Uint8Array;

/** The default encoder: bytes as they are, anything else (strings included) msgpack-encoded. */
export function encodeDefault(input: unknown): Uint8Array {
  return input instanceof Uint8Array ? input : encode(input);
}

/** A custom encoder's output as a frame (something other than string/bytes is msgpack-encoded, as officially). */
export function toFrame(encoded: unknown): Frame {
  if (typeof encoded === "string" || encoded instanceof Uint8Array) return encoded;
  return encode(encoded);
}

/** ws hands over a Buffer, an ArrayBuffer or fragments, depending on binaryType. */
export function frameBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Uint8Array[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(0);
}

/** The default decoder: JSON for text frames, msgpack for binary ones. */
export function decodeDefault(data: string | Uint8Array): unknown {
  return typeof data === "string" ? JSON.parse(data) : decode(data);
}
