// ESM entry: the package is compiled to CommonJS (like @fal-ai/client); re-export its named
// exports so `import { fal } from "fal-native"` and `import fal from "fal-native"` both work.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cjs = require("../dist/lib/index.js");

export const {
  fal,
  createFalClient,
  withMiddleware,
  withProxy,
  ApiError,
  ValidationError,
  TransportError,
  isRetryableError,
  parseEndpointId,
  isQueueStatus,
  isCompletedQueueStatus,
} = cjs;

export default cjs;
