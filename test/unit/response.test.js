// Mapping of native responses to data and errors (defaultResponseHandler semantics).
const { decodeResponse, errorFromResponse, toWebResponse, statusTextOf } = require("../../dist/lib/native/response");
const { toResult } = require("../../dist/lib/core/transport");
const { ApiError, ValidationError } = require("../../dist/lib/index");
const { response } = require("./fake-native");

const res = (...args) => response(...args).response;

describe("2xx bodies by content type", () => {
  test("JSON is parsed", () => {
    expect(decodeResponse(res(200, { images: [{ url: "u" }] }))).toEqual({ images: [{ url: "u" }] });
  });

  test("a leading byte-order mark is not part of the JSON text (as fetch's response.json())", () => {
    expect(decodeResponse(res(200, '\uFEFF{"a":1}', { contentType: "application/json" }))).toEqual({ a: 1 });
  });

  test("text/html and unknown types are text", () => {
    expect(decodeResponse(res(200, "<p>hi</p>", { contentType: "text/html; charset=utf-8" }))).toBe("<p>hi</p>");
    expect(decodeResponse(res(200, "plain", { contentType: "text/plain" }))).toBe("plain");
    expect(decodeResponse(res(200, Buffer.from("bytes-as-text"), { contentType: "image/png" }))).toBe("bytes-as-text");
  });

  test("application/octet-stream is an ArrayBuffer with exactly the body bytes", () => {
    const pool = Buffer.from([9, 9, 1, 2, 3, 9]);
    const body = pool.subarray(2, 5);
    const out = decodeResponse(res(200, body, { contentType: "application/octet-stream" }));
    expect(out).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(out)]).toEqual([1, 2, 3]);
  });

  test("malformed JSON on a 2xx is an ApiError naming the URL, with the raw text", () => {
    const r = res(200, "{oops", { contentType: "application/json", jsonError: "TAPE_ERROR", url: "https://fal.run/a/b", requestId: "r9" });
    let err;
    try {
      decodeResponse(r);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe("fal-native: malformed JSON from https://fal.run/a/b: TAPE_ERROR");
    expect(err.status).toBe(200);
    expect(err.body).toBe("{oops");
    expect(err.requestId).toBe("r9");
  });

  test("JSON that the engine did not flag but does not parse is reported the same way", () => {
    expect(() => decodeResponse(res(201, "", { contentType: "application/json", url: "https://x/y" }))).toThrow(
      /^fal-native: malformed JSON from https:\/\/x\/y: /,
    );
  });

  test("toResult wraps data with the request id", () => {
    expect(toResult(res(200, { ok: 1 }, { requestId: "req-7" }))).toEqual({ data: { ok: 1 }, requestId: "req-7" });
    expect(toResult(res(200, { ok: 1 }))).toEqual({ data: { ok: 1 }, requestId: "" });
  });
});

describe("errors", () => {
  test("422 JSON -> ValidationError with the status text as message", () => {
    const detail = [{ loc: ["body", "prompt"], msg: "field required", type: "value_error.missing" }];
    const err = errorFromResponse(res(422, { detail }, { requestId: "r1" }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Unprocessable Entity");
    expect(err.status).toBe(422);
    expect(err.body).toEqual({ detail });
    expect(err.requestId).toBe("r1");
    expect(err.getFieldErrors("prompt")).toEqual(detail);
  });

  test("other JSON errors -> ApiError with body.message when present", () => {
    const err = errorFromResponse(res(400, { message: "Bad things", detail: "x" }, { statusText: "Bad Request" }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err.message).toBe("Bad things");
    expect(err.body).toEqual({ message: "Bad things", detail: "x" });
  });

  test("the reason phrase from the status line wins over the standard one", () => {
    expect(errorFromResponse(res(503, { detail: "busy" }, { statusText: "Slow Down" })).message).toBe("Slow Down");
    expect(statusTextOf(res(503, {}))).toBe("Service Unavailable");
  });

  test("user start timeouts carry timeoutType", () => {
    const err = errorFromResponse(res(504, { detail: "Request timed out" }, { timeoutType: "user" }));
    expect(err.timeoutType).toBe("user");
    expect(err.isUserTimeout).toBe(true);
  });

  test('non-JSON error body -> ApiError("HTTP <status>: <statusText>") without body', () => {
    const err = errorFromResponse(res(502, "<html>bad gateway</html>", { contentType: "text/html" }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe("HTTP 502: Bad Gateway");
    expect(err.body).toBeUndefined();
    expect(() => decodeResponse(res(404, "nope", { contentType: "text/plain" }))).toThrow("HTTP 404: Not Found");
  });

  test("a 422 with a malformed JSON body stays an HTTP error with the raw text", () => {
    const err = errorFromResponse(res(422, "{", { contentType: "application/json", jsonError: "bad" }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err.message).toBe("HTTP 422: Unprocessable Entity");
    expect(err.body).toBe("{");
  });
});

describe("toWebResponse (for custom responseHandlers)", () => {
  test("status, headers, body and url", async () => {
    const r = res(201, { a: 1 }, {
      headers: "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nx-fal-request-id: rid\r\n\r\n",
      statusText: "Created",
      url: "https://queue.fal.run/a/b",
    });
    const web = toWebResponse(r);
    expect(web.status).toBe(201);
    expect(web.statusText).toBe("Created");
    expect(web.ok).toBe(true);
    expect(web.headers.get("x-fal-request-id")).toBe("rid");
    expect(web.url).toBe("https://queue.fal.run/a/b");
    expect(await web.json()).toEqual({ a: 1 });
  });

  test("204 gets a null body; binary bodies keep their bytes", async () => {
    expect(await toWebResponse(res(204, "", { contentType: "" })).text()).toBe("");
    const bin = toWebResponse(res(200, Buffer.from([0, 255, 7]), { contentType: "application/octet-stream" }));
    expect([...new Uint8Array(await bin.arrayBuffer())]).toEqual([0, 255, 7]);
  });
});
