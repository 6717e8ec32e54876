const { parseEndpointId } = require("../../dist/lib/index");
const { ensureEndpointIdFormat, appPrefix } = require("../../dist/lib/core/endpoint");

describe("ensureEndpointIdFormat", () => {
  test("keeps ids that contain a slash", () => {
    expect(ensureEndpointIdFormat("fal-ai/flux")).toBe("fal-ai/flux");
    expect(ensureEndpointIdFormat("fal-ai/flux/dev")).toBe("fal-ai/flux/dev");
  });

  test("turns a legacy numeric id into owner/app", () => {
    expect(ensureEndpointIdFormat("12345-my-app")).toBe("12345/my-app");
  });

  test("rejects a single segment with the official message", () => {
    expect(() => ensureEndpointIdFormat("flux")).toThrow(
      new Error("Invalid app id: flux. Must be in the format <appOwner>/<appId>"),
    );
  });
});

describe("parseEndpointId", () => {
  test("owner/alias", () => {
    expect(parseEndpointId("fal-ai/fast-sdxl")).toEqual({ owner: "fal-ai", alias: "fast-sdxl", path: undefined });
  });

  test("owner/alias/path keeps the rest of the path", () => {
    expect(parseEndpointId("fal-ai/flux-pro/kontext/max/text-to-image")).toEqual({
      owner: "fal-ai",
      alias: "flux-pro",
      path: "kontext/max/text-to-image",
    });
  });

  test("workflows and comfy namespaces", () => {
    expect(parseEndpointId("workflows/fal-ai/my-wf/sub")).toEqual({
      owner: "fal-ai",
      alias: "my-wf",
      path: "sub",
      namespace: "workflows",
    });
    expect(parseEndpointId("comfy/me/graph")).toEqual({ owner: "me", alias: "graph", path: undefined, namespace: "comfy" });
  });

  test("other first segments are owners, not namespaces", () => {
    expect(parseEndpointId("flows/me/app").namespace).toBeUndefined();
    expect(parseEndpointId("flows/me/app").owner).toBe("flows");
  });

  test("appPrefix drops the path but keeps the namespace", () => {
    expect(appPrefix("fal-ai/flux/dev")).toBe("fal-ai/flux");
    expect(appPrefix("workflows/fal-ai/my-wf/sub")).toBe("workflows/fal-ai/my-wf");
    expect(appPrefix("123-app")).toBe("123/app");
  });
});
