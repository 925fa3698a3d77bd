import assert from "node:assert/strict";
import fc from "fast-check";
import { RequestEncoder } from "../../../lib/checkout/driver/request_encoder.ts";
import { VERSION } from "../../../lib/version.ts";

const decoder = new TextDecoder();

Deno.test("RequestEncoder.encode() writes the request line, fixed headers and no body", () => {
  const encoder = new RequestEncoder("example.com", { basePath: "/v1" });
  assert.equal(
    decoder.decode(encoder.encode("GET", "/stock/find/1")),
    `GET /v1/stock/find/1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: stress/${VERSION}\r\n` +
      "Connection: keep-alive\r\n\r\n",
  );
});

Deno.test("RequestEncoder.encode() sets Content-Length to the UTF-8 byte length", () => {
  const encoder = new RequestEncoder("h");
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 3000 }), (body) => {
      const text = decoder.decode(encoder.encode("POST", "/x", { "X-A": "1" }, body));
      const bytes = new TextEncoder().encode(body).length;
      assert.ok(text.endsWith(`\r\nX-A: 1\r\nContent-Length: ${bytes}\r\n\r\n${body}`));
    }),
    { numRuns: 200, seed: 11 },
  );
});

Deno.test("RequestEncoder.encode() copies a byte body and grows its buffer", () => {
  const encoder = new RequestEncoder("h");
  const body = new Uint8Array(10_000).fill(65);
  const bytes = encoder.encode("PUT", "/big", undefined, body);
  const text = decoder.decode(bytes);
  assert.ok(text.endsWith("Content-Length: 10000\r\n\r\n" + "A".repeat(10_000)));
  assert.equal(
    decoder.decode(encoder.encode("POST", "/e")).endsWith("Content-Length: 0\r\n\r\n"),
    true,
  );
});

Deno.test("RequestEncoder rejects request splitting in methods, paths and headers", () => {
  const encoder = new RequestEncoder("h");
  assert.throws(() => encoder.encode("get", "/"), TypeError);
  assert.throws(() => encoder.encode("GET", "/a b"), TypeError);
  assert.throws(() => encoder.encode("GET", "/\r\nX: 1"), TypeError);
  assert.throws(() => encoder.encode("GET", "/a\u0001b"), TypeError);
  assert.throws(() => encoder.encode("GET", "/a\u007fb"), TypeError);
  assert.throws(() => encoder.encode("GET", "/", { "X": "1\r\nY: 2" }), TypeError);
  assert.throws(() => encoder.encode("GET", "/", { "X Y": "1" }), TypeError);
  assert.throws(() => new RequestEncoder("h", { headers: { "A:": "1" } }), TypeError);
});
