// Request-head encoding and response parsing of the HTTP client, against the plain way
// (template string + TextEncoder; TextDecoder + string split).
//
//   deno bench bench/http_client_bench.ts
import { RequestEncoder } from "../lib/checkout/driver/request_encoder.ts";
import { ResponseParser } from "../lib/checkout/driver/response_parser.ts";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();
const HOST = "127.0.0.1:8000";
const PATH = "/orders/checkout/6f1c1e0e-8f0b-4a57-9a39-1b6f3f0c2a11";
const requestEncoder = new RequestEncoder(HOST);

Deno.bench({
  name: "template string + TextEncoder.encode",
  group: "request head",
  baseline: true,
  fn() {
    textEncoder.encode(
      `POST ${PATH} HTTP/1.1\r\nHost: ${HOST}\r\nUser-Agent: stress/0.1.0\r\n` +
        "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n",
    );
  },
});

Deno.bench({
  name: "RequestEncoder.encode",
  group: "request head",
  fn() {
    requestEncoder.encode("POST", PATH);
  },
});

const LENGTH_RESPONSE = textEncoder.encode(
  "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: 19\r\n" +
    "date: Tue, 01 Jul 2025 10:00:00 GMT\r\nserver: gunicorn\r\n\r\nCheckout successful",
);
const CHUNKED_RESPONSE = textEncoder.encode(
  "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n" +
    'date: Tue, 01 Jul 2025 10:00:00 GMT\r\n\r\n1e\r\n{"stock": 100, "price": 1}    \r\n0\r\n\r\n',
);

/** The plain way: decode everything, split the head into lines, look the framing up. */
function parseWithStrings(bytes: Uint8Array): { status: number; body: string } {
  const text = textDecoder.decode(bytes);
  const headEnd = text.indexOf("\r\n\r\n");
  const lines = text.slice(0, headEnd).split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(":");
    headers.set(lines[i].slice(0, colon).trim().toLowerCase(), lines[i].slice(colon + 1).trim());
  }
  let rest = text.slice(headEnd + 4);
  if (headers.get("transfer-encoding") === "chunked") {
    let body = "";
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (size === 0) break;
      body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 4 + size);
    }
    return { status, body };
  }
  return { status, body: rest.slice(0, Number(headers.get("content-length"))) };
}

const parser = new ResponseParser();

/** Ours: copy the bytes in as a read would, parse, copy the body out. */
function parseWithParser(bytes: Uint8Array): number {
  parser.begin(false);
  parser.space().set(bytes);
  parser.commit(bytes.length);
  if (parser.parse() !== "done") throw new Error("Cannot parse the benchmark response");
  return parser.body().length + parser.status;
}

Deno.bench({
  name: "TextDecoder + split (content-length)",
  group: "parse content-length response",
  baseline: true,
  fn() {
    parseWithStrings(LENGTH_RESPONSE);
  },
});

Deno.bench({
  name: "ResponseParser (content-length)",
  group: "parse content-length response",
  fn() {
    parseWithParser(LENGTH_RESPONSE);
  },
});

Deno.bench({
  name: "TextDecoder + split (chunked)",
  group: "parse chunked response",
  baseline: true,
  fn() {
    parseWithStrings(CHUNKED_RESPONSE);
  },
});

Deno.bench({
  name: "ResponseParser (chunked)",
  group: "parse chunked response",
  fn() {
    parseWithParser(CHUNKED_RESPONSE);
  },
});
