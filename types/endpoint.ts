// How an endpoint id maps to its input and output types, with the same rules as @fal-ai/client's
// `types/client`: a known id gets its generated types, any other string gets a loose record input
// and `any` output, so calls to private or newer endpoints still compile. Written exactly like the
// official definitions so that generic code relating the two (e.g. an official QueueClient's
// `result<Id>` against fal-native's) type-checks; entries merged into EndpointTypeMap must
// therefore have both `input` and `output`.
import type { EndpointTypeMap } from "./endpoints";

/** A known endpoint id (autocompleted) or any other string. */
export type EndpointType = keyof EndpointTypeMap | (string & {});

/** The input of endpoint `T` (distributes over unions of ids, as in @fal-ai/client). */
export type InputType<T extends string> = T extends keyof EndpointTypeMap ? EndpointTypeMap[T]["input"] : Record<string, any>;

/** The output (`result.data`) of endpoint `T`. */
export type OutputType<T extends string> = T extends keyof EndpointTypeMap ? EndpointTypeMap[T]["output"] : any;

/**
 * fal-native: an endpoint input as `run`, `subscribe` and `queue.submit` accept it. Wherever the
 * input type takes a file (`Blob` or `File`), bytes are accepted too (`Uint8Array`, so `Buffer`,
 * and `ArrayBuffer`), because fal-native uploads them like Blobs before sending the input. Every
 * other field keeps its type, so anything valid for @fal-ai/client stays valid here.
 */
export type UploadableInput<T> = T extends Blob
  ? T | Uint8Array | ArrayBuffer
  : T extends object
    ? { [K in keyof T]: UploadableInput<T[K]> }
    : T;

/**
 * fal-native: the `input` of `run`, `subscribe`, `queue.submit` and `stream` for endpoint `Id`.
 * The endpoint's own input type is named beside its byte-accepting form (UploadableInput) even
 * though the latter already accepts it: TypeScript cannot see that for a generic `Id`, and without
 * the plain member fal-native's generic signatures would not relate to @fal-ai/client's.
 */
export type CallInput<Id extends string> = InputType<Id> | UploadableInput<InputType<Id>>;
