const { ApiError, ValidationError, TransportError } = require("../../dist/lib/index");

describe("ApiError", () => {
  test("carries status, body, requestId and timeoutType", () => {
    const err = new ApiError({ message: "Bad Gateway", status: 502, body: { detail: "x" }, requestId: "req-1", timeoutType: "infra" });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ApiError");
    expect(err.message).toBe("Bad Gateway");
    expect(err.status).toBe(502);
    expect(err.body).toEqual({ detail: "x" });
    expect(err.requestId).toBe("req-1");
    expect(err.timeoutType).toBe("infra");
    expect(err.isUserTimeout).toBe(false);
  });

  test('requestId defaults to ""', () => {
    expect(new ApiError({ message: "m", status: 500 }).requestId).toBe("");
  });

  test("isUserTimeout only for 504 with timeoutType user", () => {
    expect(new ApiError({ message: "m", status: 504, timeoutType: "user" }).isUserTimeout).toBe(true);
    expect(new ApiError({ message: "m", status: 504 }).isUserTimeout).toBe(false);
    expect(new ApiError({ message: "m", status: 500, timeoutType: "user" }).isUserTimeout).toBe(false);
  });
});

describe("ValidationError", () => {
  const detail = [
    { loc: ["body", "prompt"], msg: "field required", type: "value_error.missing" },
    { loc: ["body", "image_size", "width"], msg: "too big", type: "value_error" },
    { loc: ["body", "seed"], msg: "not an int", type: "type_error" },
  ];

  test("is an ApiError named ValidationError", () => {
    const err = new ValidationError({ message: "Unprocessable Entity", status: 422, body: { detail } });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.name).toBe("ValidationError");
    expect(err.fieldErrors).toEqual(detail);
  });

  test("getFieldErrors matches the last loc element", () => {
    const err = new ValidationError({ message: "m", status: 422, body: { detail } });
    expect(err.getFieldErrors("width")).toEqual([detail[1]]);
    expect(err.getFieldErrors("prompt")).toEqual([detail[0]]);
    expect(err.getFieldErrors("image_size")).toEqual([]);
  });

  test("a string detail is wrapped as one body error", () => {
    const err = new ValidationError({ message: "m", status: 422, body: { detail: "Image too large" } });
    expect(err.fieldErrors).toEqual([{ loc: ["body"], msg: "Image too large", type: "value_error" }]);
  });

  test("no detail gives no field errors", () => {
    expect(new ValidationError({ message: "m", status: 422, body: {} }).fieldErrors).toEqual([]);
  });
});

describe("TransportError", () => {
  test("names the request, keeps the code and a cause with the code", () => {
    const err = new TransportError({
      method: "POST",
      url: "https://queue.fal.run/fal-ai/flux",
      code: "ECONNREFUSED",
      message: "Couldn't connect to server",
      curlCode: 7,
      attempts: 4,
    });
    expect(err.name).toBe("TransportError");
    expect(err.message).toBe(
      "fal-native: POST https://queue.fal.run/fal-ai/flux failed after 4 attempts: Couldn't connect to server (ECONNREFUSED)",
    );
    expect(err.code).toBe("ECONNREFUSED");
    expect(err.cause).toBeInstanceOf(Error);
    expect(err.cause.code).toBe("ECONNREFUSED");
    expect(err.cause.curlCode).toBe(7);
    expect(err.attempts).toBe(4);
    expect(err.url).toBe("https://queue.fal.run/fal-ai/flux");
  });

  test("does not repeat the URL when the engine's message already names it", () => {
    const err = new TransportError({
      method: "GET",
      url: "http://127.0.0.1:1/x",
      code: "ECONNRESET",
      message: "GET http://127.0.0.1:1/x failed: Connection reset",
      curlCode: 56,
      attempts: 1,
    });
    expect(err.message).toBe("fal-native: GET http://127.0.0.1:1/x failed: Connection reset (ECONNRESET)");
  });
});
