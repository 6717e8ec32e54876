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

/*
 * OfficialFormOverload: why run, subscribe, stream, queue.submit and queue.result have two
 * overloads.
 *
 * Code typed against @fal-ai/client must accept fal-native's clients (`use(fal)` where `use` takes
 * the official FalClient). With one generic signature per method, TypeScript relates fal-native's
 * `<Id>(id: Id, options: RunOptions<CallInput<Id>>)` to the official `<Id>(id: Id, options:
 * RunOptions<InputType<Id>>)` by unifying the two `Id`s and comparing the conditional types
 * InputType/OutputType of each side with `Id` left generic. As fal-native's aliases and map are not
 * the official ones (they must not be: see below), that walks the ~1200 keys of one map against the
 * ~1200 of the other (`keyof EndpointTypeMap & Id` against the official EndpointType): about 750k
 * relations and 2-4 s per method on a loaded 2-core machine, and the whole FalClient (run, subscribe, stream, queue.submit,
 * streaming.stream) exceeds TypeScript's budget: TS2859 "Excessive complexity comparing types" on
 * TypeScript 5, 6 and 7 (TS 5 and 6 sometimes got through when earlier checks had warmed caches).
 * queue.result, which takes no input, relates cheaply while the maps have the same keys, but once an
 * application merges its own endpoints into EndpointTypeMap its OutputType no longer relates to the
 * official one at all (the conditional types' `keyof` differ).
 *
 * When either side has several signatures, TypeScript relates them with their type parameters
 * erased (to `any`), so the maps are never walked: with a second overload the whole FalClient
 * checks in ~1.5k type instantiations instead of 23k. The second overload is the official
 * signature, with fal-native's EndpointTypeMap:
 *
 * - It comes last, so calls resolve to the first one (byte inputs, fal-native's options) exactly as
 *   before, and it accepts nothing the first rejects (its input type is a subset of CallInput, its
 *   options have no fal-native additions): no call type-checks that did not before. Utility types
 *   that read the last overload (Parameters<FalClient["run"]>, ReturnType<...>) see the official form.
 * - It uses fal-native's InputType, not the official one, because for an id the application added
 *   by declaration merging the official InputType is `Record<string, any>`: an official-typed
 *   overload would accept any input for those endpoints whenever the typed one fails.
 *
 * Rejected:
 * - Making EndpointTypeMap the official type (re-exporting it): the official map is a type alias,
 *   which declaration merging cannot extend (through any module path), so applications could no
 *   longer add endpoints. And it is not enough: with the official map but fal-native's own
 *   InputType/OutputType aliases the whole-client check still failed with TS2859 (23k
 *   instantiations); only the official aliases themselves make it cheap, and those give an id the
 *   application added `Record<string, any>` and `any`.
 * - One signature whose conditional types relate more cheaply (e.g. fal-native's nested around the
 *   official ones): methods' parameters are compared in both directions, and the byte-accepting
 *   input or a merged endpoint leaves a direction in which `Id` stays generic against a map.
 * - Breaking the comparison with a deferred or branded type: the relation that fails is between
 *   the methods' own type parameters, which no wrapper of the map avoids.
 */
