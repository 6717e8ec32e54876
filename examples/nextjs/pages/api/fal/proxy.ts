// Next.js Pages Router: the same proxy as an API route (use this or the App Router route).
import { createPageRouterHandler } from "fal-native/proxy";

// Let the proxy stream bodies as they arrive instead of Next parsing (and size-limiting) them.
export const config = { api: { bodyParser: false, responseLimit: false } };

export default createPageRouterHandler({ allowedEndpoints: ["fal-ai/flux/dev", "fal-ai/flux-1/*"] });
