import type { EndpointTypeMap } from "./endpoints";

/** A known endpoint id (autocompleted) or any other string. */
export type EndpointType = keyof EndpointTypeMap | (string & {});

type EntryOf<T extends string> = T extends keyof EndpointTypeMap ? EndpointTypeMap[T] : never;

export type InputType<T extends string> = [EntryOf<T>] extends [never]
  ? Record<string, any>
  : EntryOf<T> extends { input: infer I }
    ? I
    : Record<string, any>;

export type OutputType<T extends string> = [EntryOf<T>] extends [never]
  ? any
  : EntryOf<T> extends { output: infer O }
    ? O
    : any;
