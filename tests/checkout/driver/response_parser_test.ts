import assert from "node:assert/strict";
import fc from "fast-check";
import { type ParseState, ResponseParser } from "../../../lib/checkout/driver/response_parser.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `pieces` one after another; returns the final state (and finish() at the end). */
function feed(
  parser: ResponseParser,
  pieces: Uint8Array[],
  options: { isHead?: boolean; close?: boolean } = {},
): ParseState {
  parser.begin(options.isHead ?? false);
  let state: ParseState = "more";
  for (const piece of pieces) {
    let at = 0;
    while (at < piece.length) {
      const space = parser.space();
      if (space.length === 0) return "error";
      const n = Math.min(space.length, piece.length - at);
      space.set(piece.subarray(at, at + n));
      parser.commit(n);
      at += n;
      state = parser.parse();
      if (state !== "more") return state;
    }
  }
  return options.close ? parser.finish() : state;
}

function split(text: string, cuts: number[]): Uint8Array[] {
  const bytes = encoder.encode(text);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let last = 0;
  for (const point of [...points, bytes.length]) {
    if (point > last) pieces.push(bytes.subarray(last, point));
    last = Math.max(last, point);
  }
  return pieces;
}

const CASES: {
  name: string;
  response: string;
  status: number;
  body: string;
  keepAlive: boolean;
}[] = [
  {
    name: "content-length",
    response: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    status: 200,
    body: "hello",
    keepAlive: true,
  },
  {
    name: "chunked with extensions and trailers",
    response: "HTTP/1.1 404 Not Found\r\ntransfer-encoding: gzip, Chunked\r\n\r\n" +
      "4;a=b\r\nwiki\r\n5\r\npedia\r\ne\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n",
    status: 404,
    body: "wikipedia in\r\n\r\nchunks.",
    keepAlive: true,
  },
  {
    name: "connection close",
    response: "HTTP/1.1 500 Oops\r\nConnection: Close\r\nContent-Length: 2\r\n\r\nno",
    status: 500,
    body: "no",
    keepAlive: false,
  },
  {
    name: "HTTP/1.0 keep-alive",
    response: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n1",
    status: 200,
    body: "1",
    keepAlive: true,
  },
  {
    name: "interim 100 then 200 without a reason phrase",
    response: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
    status: 200,
    body: "",
    keepAlive: true,
  },
];

for (const item of CASES) {
  Deno.test(`ResponseParser.parse() reads a ${item.name} response split anywhere`, () => {
    const parser = new ResponseParser();
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        const state = feed(parser, split(item.response, cuts));
        assert.equal(state, "done");
        assert.equal(parser.status, item.status);
        assert.equal(decoder.decode(parser.body()), item.body);
        assert.equal(parser.keepAlive, item.keepAlive);
        assert.equal(parser.extraBytes, false);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
}

Deno.test("ResponseParser.parse() rejects non-HTTP bytes from the first bytes", () => {
  const parser = new ResponseParser();
  assert.equal(feed(parser, [encoder.encode("HTX")]), "error");
  assert.equal(parser.error, "not an HTTP response");
});

Deno.test("ResponseParser.parse() rejects bad heads and chunked encodings", () => {
  const parser = new ResponseParser();
  const bad: [string, string][] = [
    ["HTTP/1.1 20 OK\r\n\r\n", "bad status line"],
    ["HTTP/2.0 200 OK\r\n\r\n", "not an HTTP response"],
    ["HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "bad header line"],
    ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad content-length"],
    [
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "conflicting content-length",
    ],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", "bad chunked encoding"],
    ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "bad chunked encoding"],
  ];
  for (const [response, error] of bad) {
    assert.equal(feed(parser, [encoder.encode(response)]), "error", response);
    assert.equal(parser.error, error, response);
    assert.equal(parser.keepAlive, false);
  }
});

Deno.test("ResponseParser enforces the body and head limits", () => {
  const parser = new ResponseParser({ maxBodyBytes: 10 });
  assert.equal(
    feed(parser, [encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")]),
    "error",
  );
  assert.equal(parser.tooLarge, true);
  const chunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nabcdef\r\n";
  assert.equal(feed(parser, [encoder.encode(chunked)]), "error");
  assert.equal(parser.tooLarge, true);
  const untilClose = "HTTP/1.0 200 OK\r\n\r\n" + "x".repeat(11);
  assert.equal(feed(parser, [encoder.encode(untilClose)]), "error");
  assert.equal(parser.tooLarge, true);
  const longHead = "HTTP/1.1 200 OK\r\nX: " + "h".repeat(70_000);
  assert.equal(feed(new ResponseParser(), [encoder.encode(longHead)]), "error");
});

Deno.test("ResponseParser.finish() completes a read-until-close body or reports a cut", () => {
  const parser = new ResponseParser();
  assert.equal(
    feed(parser, [encoder.encode("HTTP/1.1 200 OK\r\n\r\nrest")], { close: true }),
    "done",
  );
  assert.equal(decoder.decode(parser.body()), "rest");
  assert.equal(parser.keepAlive, false);
  assert.equal(
    feed(parser, [encoder.encode("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")], {
      close: true,
    }),
    "error",
  );
  assert.equal(parser.error, "closed mid-response");
  assert.equal(feed(parser, [], { close: true }), "error");
  assert.equal(parser.error, "closed before the status line");
});

Deno.test("ResponseParser skips the body of HEAD, 204 and 304 and flags extra bytes", () => {
  const parser = new ResponseParser();
  const head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  assert.equal(feed(parser, [encoder.encode(head)], { isHead: true }), "done");
  assert.equal(parser.body().length, 0);
  assert.equal(parser.extraBytes, false);
  assert.equal(feed(parser, [encoder.encode("HTTP/1.1 204 No Content\r\n\r\nextra")]), "done");
  assert.equal(parser.extraBytes, true);
});

Deno.test("ResponseParser.headers() collects lower-case names only when asked", () => {
  const response = "HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a:  2 \r\nContent-Type: text/plain\r\n" +
    "Content-Length: 0\r\n\r\n";
  const parser = new ResponseParser({ collectHeaders: true });
  assert.equal(feed(parser, [encoder.encode(response)]), "done");
  assert.deepEqual(parser.headers(), {
    "x-a": "1, 2",
    "content-type": "text/plain",
    "content-length": "0",
  });
  const plain = new ResponseParser();
  assert.equal(feed(plain, [encoder.encode(response)]), "done");
  assert.equal(plain.headers(), undefined);
});
