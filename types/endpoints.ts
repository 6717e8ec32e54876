// Endpoint id -> { input, output } types for fal's public endpoints.
//
// These are not generated here: @fal-ai/client (a dependency, semver range "~1.10.x" in
// package.json) ships a generated map of every public endpoint in "@fal-ai/client/endpoints", and we
// re-export it, so `npm update` of that dependency updates fal-native's endpoint types too. Every
// per-endpoint type it exports (FluxDevInput, FluxDevOutput, ...) is re-exported under its own name.
// Only type imports are used, so the compiled endpoints.js requires nothing at run time.
import type { EndpointTypeMap as OfficialEndpointTypeMap } from "@fal-ai/client/endpoints";

export type * from "@fal-ai/client/endpoints";

/**
 * Every endpoint known to @fal-ai/client, by id. Declared as an interface (the official one is a
 * type alias) so applications can add their own endpoints by declaration merging:
 *
 * ```ts
 * declare module "fal-native/endpoints" {
 *   interface EndpointTypeMap {
 *     "my-org/my-app": { input: { text: string }; output: { reply: string } };
 *   }
 * }
 * ```
 *
 * This local declaration shadows the official name that `export type *` above would re-export.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface EndpointTypeMap extends OfficialEndpointTypeMap {}
