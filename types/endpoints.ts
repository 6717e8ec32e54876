// Endpoint id -> input/output types. Kept minimal for now: unknown ids get `Record<string, any>`
// input and `any` output (as with @fal-ai/client for ids it does not know). An interface, so the
// generated per-endpoint types can later be added here, or merged in by declaration merging.

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface EndpointTypeMap {}
