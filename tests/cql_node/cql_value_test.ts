import assert from "node:assert/strict";
import fc from "fast-check";
import type { Term } from "../../lib/cql_node/parse/cql_ast.ts";
import {
  type CqlType,
  type NativeTypeName,
  parseCqlType,
} from "../../lib/cql_node/values/cql_type.ts";
import {
  compareValues,
  CqlValueError,
  decodeValue,
  encodeValue,
  formatValueForCql,
  resolveTerm,
  type TermContext,
  validateValue,
} from "../../lib/cql_node/values/cql_value.ts";

const NS_PER_DAY = 86_400_000_000_000n;
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

function t(text: string): CqlType {
  return parseCqlType(text);
}

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

function context(
  bound: (Uint8Array | null | undefined)[] = [],
  nowMs = 1704164645123,
): TermContext {
  let counter = 0;
  return {
    bound: (index) => bound[index],
    nowMs,
    randomBytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = (counter++ * 37 + 11) & 0xff;
      return out;
    },
  };
}

function lit(
  kind: Exclude<Term["kind"], "bind" | "list" | "set" | "tuple" | "map" | "function" | "cast">,
  text: string,
): Term {
  return { kind, text } as Term;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const NATIVE_ARBITRARIES: Record<NativeTypeName, fc.Arbitrary<unknown>> = {
  ascii: fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }),
  bigint: fc.bigInt(INT64),
  blob: fc.uint8Array({ maxLength: 20 }),
  boolean: fc.boolean(),
  counter: fc.bigInt(INT64),
  decimal: fc.tuple(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.integer({ min: -30, max: 30 }),
  )
    .map(([unscaled, scale]) => `${unscaled}E${-scale}`),
  double: fc.double(),
  float: fc.float(),
  inet: fc.oneof(fc.ipV4(), fc.ipV6()),
  int: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  smallint: fc.integer({ min: -32768, max: 32767 }),
  text: fc.string({ unit: "binary", maxLength: 20 }),
  timestamp: fc.bigInt(INT64),
  timeuuid: fc.uuid({ version: 1 }),
  tinyint: fc.integer({ min: -128, max: 127 }),
  uuid: fc.uuid(),
  varint: fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
  date: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  time: fc.bigInt({ min: 0n, max: NS_PER_DAY - 1n }),
  duration: fc.tuple(
    fc.boolean(),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.bigInt({ min: 0n, max: INT64.max }),
  ).map(([negative, months, days, nanoseconds]) =>
    negative
      ? {
        months: months === 0 ? 0 : -months,
        days: days === 0 ? 0 : -days,
        nanoseconds: -nanoseconds,
      }
      : { months, days, nanoseconds }
  ),
};

const KEY_NATIVES = (Object.keys(NATIVE_ARBITRARIES) as NativeTypeName[]).filter((name) =>
  name !== "counter" && name !== "duration"
);

function typeArbitrary(depth: number): fc.Arbitrary<CqlType> {
  const native = fc.constantFrom(...KEY_NATIVES).map((name): CqlType => ({ kind: "native", name }));
  if (depth === 0) return native;
  const inner = typeArbitrary(depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: native },
    fc.tuple(fc.constantFrom("list" as const, "set" as const), inner).map((
      [kind, element],
    ): CqlType => ({ kind, element: freeze(element), frozen: false })),
    fc.tuple(inner, inner).map(([key, value]): CqlType => ({
      kind: "map",
      key: freeze(key),
      value: freeze(value),
      frozen: false,
    })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((elements): CqlType => ({
      kind: "tuple",
      elements: elements.map(freeze),
    })),
  );
}

function freeze(type: CqlType): CqlType {
  if (type.kind === "list" || type.kind === "set") return { ...type, frozen: true };
  if (type.kind === "map") return { ...type, frozen: true };
  return type;
}

function valueArbitrary(type: CqlType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "native":
      return NATIVE_ARBITRARIES[type.name];
    case "list":
    case "set":
      return fc.array(valueArbitrary(type.element), { maxLength: 4 });
    case "map":
      return fc.array(fc.tuple(valueArbitrary(type.key), valueArbitrary(type.value)), {
        maxLength: 4,
      }).map((entries) => new Map(entries));
    case "tuple":
      return fc.tuple(...type.elements.map((e) => fc.option(valueArbitrary(e), { nil: null })));
    case "custom":
      return fc.uint8Array();
  }
}

const typedValue = typeArbitrary(2).chain((type) =>
  valueArbitrary(type).map((value) => ({ type, value }))
);

// ---------------------------------------------------------------------------------------------
// Round trips

Deno.test("decodeValue() inverts encodeValue() for every native type", async (step) => {
  for (const name of Object.keys(NATIVE_ARBITRARIES) as NativeTypeName[]) {
    await step.step(name, () => {
      const type: CqlType = { kind: "native", name };
      fc.assert(
        fc.property(NATIVE_ARBITRARIES[name], (value) => {
          const encoded = encodeValue(type, value);
          assert.equal(validateValue(type, encoded), undefined);
          const decoded = decodeValue(type, encoded);
          switch (name) {
            case "float":
              assert.ok(Object.is(decoded, Math.fround(value as number)));
              break;
            case "double":
              assert.ok(Object.is(decoded, value));
              break;
            case "inet":
            case "decimal":
              assert.deepEqual(encodeValue(type, decoded), encoded);
              if (name === "inet" && !(value as string).includes(":")) {
                assert.equal(decoded, value);
              }
              break;
            case "uuid":
            case "timeuuid":
              assert.equal(decoded, (value as string).toLowerCase());
              break;
            default:
              assert.deepEqual(decoded, value);
          }
          assert.equal(typeof formatValueForCql(type, encoded), "string");
        }),
        { numRuns: 200, seed: 31 },
      );
    });
  }
});

Deno.test("encodeValue() is idempotent through decodeValue() for nested collections", () => {
  fc.assert(
    fc.property(typedValue, ({ type, value }) => {
      const encoded = encodeValue(type, value);
      assert.equal(validateValue(type, encoded), undefined);
      assert.deepEqual(encodeValue(type, decodeValue(type, encoded)), encoded);
      assert.equal(typeof formatValueForCql(type, encoded), "string");
    }),
    { numRuns: 400, seed: 4242 },
  );
});

Deno.test("encodeValue() sorts and deduplicates sets and sorts maps by key", () => {
  const set = t("set<int>");
  const encoded = encodeValue(set, [3, -1, 3, 2]);
  assert.deepEqual(decodeValue(set, encoded), [-1, 2, 3]);
  assert.deepEqual(
    encoded,
    bytes(
      0,
      0,
      0,
      3,
      0,
      0,
      0,
      4,
      255,
      255,
      255,
      255,
      0,
      0,
      0,
      4,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      4,
      0,
      0,
      0,
      3,
    ),
  );
  const map = t("map<text, int>");
  assert.deepEqual(
    decodeValue(map, encodeValue(map, { b: 1, a: 2 })),
    new Map([["a", 2], ["b", 1]]),
  );
  assert.deepEqual(
    decodeValue(map, encodeValue(map, new Map([["a", 1], ["a", 5]]))),
    new Map([["a", 5]]),
  );
});

Deno.test("encodeValue() accepts the documented JS forms", () => {
  assert.deepEqual(encodeValue(t("timestamp"), new Date(1000)), bytes(0, 0, 0, 0, 0, 0, 3, 232));
  assert.deepEqual(encodeValue(t("timestamp"), 1000), encodeValue(t("timestamp"), 1000n));
  assert.deepEqual(
    encodeValue(t("timestamp"), "1970-01-01T00:00:01Z"),
    encodeValue(t("timestamp"), 1000),
  );
  assert.deepEqual(encodeValue(t("date"), "1970-01-02"), bytes(0x80, 0, 0, 1));
  assert.deepEqual(encodeValue(t("date"), new Date(86_400_000)), bytes(0x80, 0, 0, 1));
  assert.deepEqual(
    encodeValue(t("inet"), "::1"),
    bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
  );
  assert.deepEqual(encodeValue(t("varint"), "-129"), bytes(0xff, 0x7f));
  assert.deepEqual(encodeValue(t("varint"), 128), bytes(0, 0x80));
  assert.deepEqual(encodeValue(t("decimal"), "1.50"), bytes(0, 0, 0, 2, 0, 150));
  assert.deepEqual(encodeValue(t("decimal"), 0.5), bytes(0, 0, 0, 1, 5));
  assert.deepEqual(encodeValue(t("blob"), "0xcafe"), bytes(0xca, 0xfe));
  assert.deepEqual(encodeValue(t("duration"), "1mo2d3ns"), bytes(2, 4, 6));
  assert.deepEqual(
    encodeValue(t("tuple<int, text>"), [1]),
    bytes(0, 0, 0, 4, 0, 0, 0, 1, 255, 255, 255, 255),
  );
});

Deno.test("encodeValue() rejects values that do not fit", async (step) => {
  const cases: [string, unknown, string][] = [
    ["int", "x", 'Cannot encode "x" as int'],
    ["int", 2 ** 31, "Cannot encode 2147483648 as int"],
    ["int", 1.5, "Cannot encode 1.5 as int"],
    ["tinyint", 128n, "Cannot encode 128n as tinyint"],
    ["text", 1, "Cannot encode 1 as text"],
    ["ascii", "é", 'Cannot encode "é" as ascii'],
    ["uuid", "nope", 'Cannot encode "nope" as uuid'],
    [
      "timeuuid",
      "550e8400-e29b-41d4-a716-446655440000",
      'Cannot encode "550e8400-e29b-41d4-a716-446655440000" as timeuuid',
    ],
    ["int", null, "Cannot encode null as int"],
    ["list<int>", 1, "Cannot encode 1 as list<int>: expected an array"],
    [
      "list<int>",
      [null],
      "Cannot encode null inside int: null is not supported inside collections",
    ],
    [
      "map<int, int>",
      [],
      "Cannot encode a Array as map<int, int>: expected a Map or a plain object",
    ],
    [
      "tuple<int>",
      [1, 2],
      "Cannot encode a Array as frozen<tuple<int>>: expected an array of at most 1 items",
    ],
    ["int", bytes(1, 2), "Cannot encode a 2-byte Uint8Array as int"],
  ];
  for (const [type, value, message] of cases) {
    await step.step(`${type} ${String(value)}`, () => {
      assert.throws(() => encodeValue(t(type), value), (error: unknown) => {
        assert.ok(error instanceof CqlValueError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("decodeValue() returns documented representations", () => {
  assert.equal(decodeValue(t("int"), bytes()), null);
  assert.equal(decodeValue(t("text"), bytes()), "");
  assert.deepEqual(decodeValue(t("blob"), bytes()), bytes());
  assert.equal(decodeValue(t("decimal"), bytes(0, 0, 0, 7, 1)), "1E-7");
  assert.equal(decodeValue(t("decimal"), bytes(255, 255, 255, 253, 5)), "5E+3");
  assert.equal(decodeValue(t("date"), bytes(0x80, 0, 0, 0)), 0);
  assert.deepEqual(decodeValue(t("duration"), bytes(3, 0, 0)), {
    months: -2,
    days: 0,
    nanoseconds: 0n,
  });
  assert.deepEqual(decodeValue(t("tuple<int, int>"), bytes(0, 0, 0, 4, 0, 0, 0, 9)), [9, null]);
});

// ---------------------------------------------------------------------------------------------
// Validation and hostile input

Deno.test("validateValue() reports Cassandra's messages", () => {
  const cases: [string, Uint8Array, string | undefined][] = [
    ["int", bytes(1, 2, 3), "Expected 4 or 0 byte int (3)"],
    ["int", bytes(), undefined],
    ["bigint", bytes(1), "Expected 8 or 0 byte long (1)"],
    ["smallint", bytes(), "Expected 2 bytes for a smallint (0)"],
    ["tinyint", bytes(1, 2), "Expected 1 byte for a tinyint (2)"],
    ["float", bytes(1), "Expected 4 or 0 byte value for a float (1)"],
    ["double", bytes(1), "Expected 8 or 0 byte value for a double (1)"],
    ["boolean", bytes(1, 1), "Expected 1 or 0 byte value (2)"],
    ["timestamp", bytes(1), "Expected 8 or 0 byte long for date (1)"],
    ["date", bytes(1), "Expected 4 byte long for date (1)"],
    ["time", bytes(1), "Expected 8 byte long for a time (1)"],
    ["text", bytes(0xc3), "String didn't validate."],
    ["text", bytes(0xed, 0xa0, 0x80), "String didn't validate."],
    ["text", bytes(0xc0, 0x80), "String didn't validate."],
    ["text", bytes(0xf0, 0x9f, 0x98, 0x80), undefined],
    ["ascii", bytes(0x41, 0xc3), "Invalid byte for ascii: -61"],
    ["uuid", bytes(1, 2), "UUID should be 16 or 0 bytes (2)"],
    ["timeuuid", new Uint8Array(16), "Invalid version for TimeUUID type."],
    ["inet", bytes(1, 2), "Expected 4 or 16 byte inetaddress; got 0102"],
    ["decimal", bytes(1, 2), "Expected 0 or at least 4 bytes (2)"],
    ["varint", bytes(), undefined],
    ["blob", bytes(1, 2, 3), undefined],
    ["duration", bytes(1, 2), "Expected at least 3 bytes for a duration (2)"],
    [
      "duration",
      bytes(2, 1, 0),
      "The duration months, days and nanoseconds must be all of the same sign (1, -1, 0)",
    ],
    ["list<int>", bytes(0, 0, 0), "Not enough bytes to read a list"],
    ["list<int>", bytes(0, 0, 0, 1, 0, 0, 0, 4, 1), "Not enough bytes to read a list"],
    ["list<int>", bytes(0, 0, 0, 0, 9), "Unexpected extraneous bytes after list value"],
    [
      "list<int>",
      bytes(0, 0, 0, 1, 255, 255, 255, 255),
      "null is not supported inside collections",
    ],
    ["list<int>", bytes(0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3), "Expected 4 or 0 byte int (3)"],
    ["set<text>", bytes(0x7f, 255, 255, 255), "Not enough bytes to read a set"],
    ["map<int, int>", bytes(0, 0, 0, 1, 0, 0, 0, 0), "Not enough bytes to read a map"],
    ["tuple<int, int>", bytes(0, 0), "Not enough bytes to read size of 0th component"],
    ["tuple<int, int>", bytes(0, 0, 0, 4, 1), "Not enough bytes to read 0th component"],
    ["tuple<int>", bytes(0, 0, 0, 0, 1), "Invalid remaining data after end of tuple value"],
  ];
  for (const [type, value, message] of cases) {
    assert.equal(validateValue(t(type), value), message, `${type} ${value}`);
  }
});

function checkHostile(type: CqlType, value: Uint8Array, other: Uint8Array): void {
  const problem = validateValue(type, value);
  assert.ok(problem === undefined || typeof problem === "string");
  try {
    decodeValue(type, value);
    assert.equal(problem, undefined);
  } catch (error) {
    if (!(error instanceof CqlValueError)) throw error;
    assert.equal(error.message, problem);
  }
  assert.equal(typeof formatValueForCql(type, value), "string");
  assert.equal(typeof compareValues(type, value, other), "number");
}

Deno.test("validateValue() and decodeValue() survive random bytes", () => {
  fc.assert(
    fc.property(
      typeArbitrary(2),
      fc.uint8Array({ maxLength: 48 }),
      fc.uint8Array({ maxLength: 48 }),
      (type, value, other) => {
        checkHostile(type, value, other);
      },
    ),
    { numRuns: 3000, seed: 7 },
  );
});

Deno.test("validateValue() and decodeValue() survive mutated valid encodings", () => {
  const mutated = typedValue.chain(({ type, value }) => {
    const encoded = encodeValue(type, value);
    return fc.tuple(
      fc.constant(type),
      fc.constant(encoded),
      fc.nat({ max: Math.max(encoded.length, 1) }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
    ).map(([type, encoded, cut, flips]) => {
      const copy = encoded.slice(0, cut === 0 ? encoded.length : cut);
      for (const [at, byte] of flips) if (copy.length > 0) copy[at % copy.length] = byte;
      return { type, encoded, copy };
    });
  });
  fc.assert(
    fc.property(mutated, ({ type, encoded, copy }) => checkHostile(type, copy, encoded)),
    { numRuns: 2000, seed: 99 },
  );
});

// ---------------------------------------------------------------------------------------------
// Terms

Deno.test("resolveTerm() converts literals as Cassandra does", () => {
  const ctx = context();
  const cases: [string, Term, Uint8Array | null][] = [
    ["int", lit("integer", "-2"), bytes(255, 255, 255, 254)],
    ["bigint", lit("integer", "1"), bytes(0, 0, 0, 0, 0, 0, 0, 1)],
    ["counter", lit("integer", "1"), bytes(0, 0, 0, 0, 0, 0, 0, 1)],
    ["smallint", lit("integer", "32767"), bytes(0x7f, 0xff)],
    ["tinyint", lit("integer", "-128"), bytes(0x80)],
    ["varint", lit("integer", "255"), bytes(0, 255)],
    ["decimal", lit("integer", "12"), bytes(0, 0, 0, 0, 12)],
    ["decimal", lit("float", "1.5"), bytes(0, 0, 0, 1, 15)],
    ["double", lit("integer", "1"), encodeValue(t("double"), 1)],
    ["float", lit("float", "NaN"), encodeValue(t("float"), NaN)],
    ["double", lit("float", "-Infinity"), encodeValue(t("double"), -Infinity)],
    ["text", lit("string", "it's"), new TextEncoder().encode("it's")],
    ["ascii", lit("string", "a"), bytes(0x61)],
    [
      "timestamp",
      lit("string", "2024-01-02 03:04:05+0000"),
      encodeValue(t("timestamp"), 1704164645000),
    ],
    [
      "timestamp",
      lit("string", "2024-01-02T03:04:05.5Z"),
      encodeValue(t("timestamp"), 1704164645500),
    ],
    [
      "timestamp",
      lit("string", "2024-01-02 04:04:05+01:00"),
      encodeValue(t("timestamp"), 1704164645000),
    ],
    ["timestamp", lit("string", "2024-01-02"), encodeValue(t("timestamp"), 1704153600000)],
    ["timestamp", lit("string", "1000"), encodeValue(t("timestamp"), 1000)],
    ["timestamp", lit("integer", "1000"), encodeValue(t("timestamp"), 1000)],
    ["date", lit("string", "2024-01-02"), encodeValue(t("date"), 19724)],
    ["date", lit("integer", "2147483648"), encodeValue(t("date"), 0)],
    ["time", lit("string", "03:04:05.123456789"), encodeValue(t("time"), 11045123456789n)],
    ["time", lit("integer", "5"), encodeValue(t("time"), 5n)],
    ["inet", lit("string", "127.0.0.1"), bytes(127, 0, 0, 1)],
    ["blob", lit("hex", "cafe"), bytes(0xca, 0xfe)],
    ["blob", lit("hex", ""), bytes()],
    [
      "uuid",
      lit("uuid", "550E8400-e29b-41d4-a716-446655440000"),
      encodeValue(t("uuid"), "550e8400-e29b-41d4-a716-446655440000"),
    ],
    [
      "uuid",
      lit("string", "550e8400-e29b-41d4-a716-446655440000"),
      encodeValue(t("uuid"), "550e8400-e29b-41d4-a716-446655440000"),
    ],
    [
      "timeuuid",
      lit("uuid", "968b8787-a91b-11ee-8707-070707070707"),
      encodeValue(t("timeuuid"), "968b8787-a91b-11ee-8707-070707070707"),
    ],
    ["boolean", lit("boolean", "true"), bytes(1)],
    ["boolean", lit("boolean", "false"), bytes(0)],
    ["duration", lit("duration", "1h30m"), encodeValue(t("duration"), "PT1H30M")],
    ["int", lit("null", "null"), null],
  ];
  for (const [type, term, expected] of cases) {
    assert.deepEqual(resolveTerm(t(type), term, ctx), expected, `${type} ${JSON.stringify(term)}`);
  }
});

Deno.test("resolveTerm() rejects literals of the wrong kind or out of range", () => {
  const ctx = context();
  const cases: [string, Term, string][] = [
    ["int", lit("string", "foo"), 'Invalid STRING constant (foo) for "k" of type int'],
    // A literal of the type's own kind that is out of range: Cassandra 5.0.6's parser messages.
    ["int", lit("integer", "2147483648"), "Unable to make int from '2147483648'"],
    ["smallint", lit("integer", "-32769"), "Unable to make short from '-32769'"],
    ["tinyint", lit("integer", "128"), "Unable to make byte from '128'"],
    [
      "bigint",
      lit("integer", "9223372036854775808"),
      "Unable to make long from '9223372036854775808'",
    ],
    ["int", lit("float", "1.5"), 'Invalid FLOAT constant (1.5) for "k" of type int'],
    ["decimal", lit("float", "NaN"), "unable to make BigDecimal from 'NaN'"],
    ["text", lit("integer", "1"), 'Invalid INTEGER constant (1) for "k" of type text'],
    ["blob", lit("string", "cafe"), 'Invalid STRING constant (cafe) for "k" of type blob'],
    ["text", lit("hex", "cafe"), 'Invalid HEX constant (cafe) for "k" of type text'],
    ["boolean", lit("string", "true"), 'Invalid STRING constant (true) for "k" of type boolean'],
    [
      "ascii",
      lit("string", "é"),
      "Invalid ASCII character in string literal: " +
      "java.nio.charset.UnmappableCharacterException: Input length = 1",
    ],
    ["timestamp", lit("string", "2024-13-01"), "Unable to parse a date/time from '2024-13-01'"],
    [
      "date",
      lit("string", "2023-02-29"),
      "Unable to coerce '2023-02-29' to a formatted date (long)",
    ],
    [
      "time",
      lit("string", "24:00:00"),
      "(TimeType) Unable to coerce '24:00:00' to a formatted time (long)",
    ],
    ["inet", lit("string", "1.2.3.256"), "Unable to make inet address from '1.2.3.256'"],
    [
      "timeuuid",
      lit("uuid", "550e8400-e29b-41d4-a716-446655440000"),
      "TimeUUID supports only version 1 UUIDs",
    ],
    ["list<int>", lit("string", "x"), 'Invalid STRING constant (x) for "k" of type list<int>'],
  ];
  for (const [type, term, message] of cases) {
    assert.throws(() => resolveTerm(t(type), term, ctx, { column: "k" }), (error: unknown) => {
      assert.ok(error instanceof CqlValueError);
      assert.equal(error.message, message);
      return true;
    });
  }
  assert.throws(() => resolveTerm(t("int"), lit("string", "x"), ctx), {
    message: "Invalid STRING constant (x) for type int",
  });
});

Deno.test("resolveTerm() converts collection and tuple literals", () => {
  const ctx = context([encodeValue(t("int"), 4)]);
  const i = (n: number): Term => lit("integer", String(n));
  assert.deepEqual(
    resolveTerm(t("set<int>"), {
      kind: "set",
      items: [i(3), i(1), i(3), { kind: "bind", index: 0 }],
    }, ctx),
    encodeValue(t("set<int>"), [1, 3, 4]),
  );
  assert.deepEqual(
    resolveTerm(t("list<int>"), { kind: "list", items: [i(3), i(1), i(3)] }, ctx),
    encodeValue(t("list<int>"), [3, 1, 3]),
  );
  assert.deepEqual(
    resolveTerm(t("map<int, text>"), {
      kind: "map",
      entries: [[i(2), lit("string", "b")], [i(1), lit("string", "a")]],
    }, ctx),
    encodeValue(t("map<int, text>"), new Map([[1, "a"], [2, "b"]])),
  );
  assert.deepEqual(
    resolveTerm(t("set<int>"), { kind: "map", entries: [] }, ctx),
    bytes(0, 0, 0, 0),
  );
  assert.deepEqual(
    resolveTerm(
      t("tuple<int, text, int>"),
      { kind: "tuple", items: [i(1), lit("null", "null")] },
      ctx,
    ),
    encodeValue(t("tuple<int, text, int>"), [1, null, null]),
  );
  assert.deepEqual(
    resolveTerm(t("frozen<list<frozen<set<int>>>>"), {
      kind: "list",
      items: [{ kind: "set", items: [i(2), i(1)] }],
    }, ctx),
    encodeValue(t("frozen<list<frozen<set<int>>>>"), [[1, 2]]),
  );
  const errors: [string, Term, string][] = [
    ["list<int>", { kind: "set", items: [] }, 'Invalid set literal for "c" of type list<int>'],
    ["set<int>", { kind: "list", items: [] }, 'Invalid list literal for "c" of type set<int>'],
    ["int", { kind: "list", items: [] }, 'Invalid list literal for "c" of type int'],
    [
      "list<int>",
      { kind: "list", items: [lit("null", "null")] },
      "null is not supported inside collections",
    ],
    [
      "list<int>",
      { kind: "list", items: [{ kind: "bind", index: 5 }] },
      "unset value is not supported inside collections",
    ],
    [
      "list<int>",
      { kind: "list", items: [lit("string", "a")] },
      'Invalid STRING constant (a) for "c" of type int',
    ],
    [
      "tuple<int>",
      { kind: "tuple", items: [i(1), i(2)] },
      'Invalid tuple literal for "c" of type frozen<tuple<int>>: too many elements. Type frozen<tuple<int>> expects 1 but got 2',
    ],
  ];
  for (const [type, term, message] of errors) {
    assert.throws(() => resolveTerm(t(type), term, ctx, { column: "c" }), {
      name: "CqlValueError",
      message,
    });
  }
});

Deno.test("resolveTerm() returns bound values, null and unset, and validates them", () => {
  const ctx = context([bytes(0, 0, 0, 1), null, undefined, bytes(1, 2, 3)]);
  const int = t("int");
  assert.deepEqual(resolveTerm(int, { kind: "bind", index: 0 }, ctx), bytes(0, 0, 0, 1));
  assert.equal(resolveTerm(int, { kind: "bind", index: 1 }, ctx), null);
  assert.equal(resolveTerm(int, { kind: "bind", index: 2 }, ctx), undefined);
  assert.throws(() => resolveTerm(int, { kind: "bind", index: 3 }, ctx), {
    name: "CqlValueError",
    message: "Expected 4 or 0 byte int (3)",
  });
  assert.deepEqual(
    resolveTerm(int, { kind: "bind", index: 3 }, ctx, { validateBound: false }),
    bytes(1, 2, 3),
  );
  assert.deepEqual(
    resolveTerm(int, { kind: "cast", type: "int", term: { kind: "bind", index: 0 } }, ctx),
    bytes(0, 0, 0, 1),
  );
  assert.throws(
    () =>
      resolveTerm(int, { kind: "cast", type: "bigint", term: lit("integer", "3") }, ctx, {
        column: "k",
      }),
    {
      message: 'Cannot assign value of type bigint to "k" of type int',
    },
  );
  assert.deepEqual(
    resolveTerm(t("text"), { kind: "cast", type: "ascii", term: lit("string", "a") }, ctx),
    bytes(0x61),
  );
});

Deno.test("resolveTerm() evaluates now(), uuid() and the time functions", () => {
  const nowMs = 1704164645123;
  const ctx = context([], nowMs);
  const call = (name: string, ...args: Term[]): Term => ({ kind: "function", name, args });
  const now = resolveTerm(t("timeuuid"), call("now"), ctx) as Uint8Array;
  assert.equal(now[6] >> 4, 1);
  assert.equal(now[8] >> 6, 2);
  assert.equal(validateValue(t("timeuuid"), now), undefined);
  assert.deepEqual(
    resolveTerm(t("timestamp"), call("totimestamp", call("now")), ctx),
    encodeValue(t("timestamp"), nowMs),
  );
  assert.deepEqual(
    resolveTerm(t("timestamp"), call("currenttimestamp"), ctx),
    encodeValue(t("timestamp"), nowMs),
  );
  assert.deepEqual(
    resolveTerm(t("bigint"), call("tounixtimestamp", call("now")), ctx),
    encodeValue(t("bigint"), nowMs),
  );
  assert.deepEqual(
    resolveTerm(t("date"), call("todate", call("now")), ctx),
    encodeValue(t("date"), "2024-01-02"),
  );
  assert.deepEqual(
    resolveTerm(t("date"), call("currentdate"), ctx),
    encodeValue(t("date"), "2024-01-02"),
  );
  assert.deepEqual(
    resolveTerm(t("time"), call("currenttime"), ctx),
    encodeValue(t("time"), "03:04:05.123"),
  );
  assert.deepEqual(
    resolveTerm(t("timestamp"), call("totimestamp", lit("string", "2024-01-02")), ctx),
    encodeValue(t("timestamp"), "2024-01-02"),
  );
  const second = resolveTerm(t("timeuuid"), call("now"), ctx) as Uint8Array;
  assert.notDeepEqual(second, now);
  const random = resolveTerm(t("uuid"), call("uuid"), ctx) as Uint8Array;
  assert.equal(random[6] >> 4, 4);
  assert.equal(random[8] >> 6, 2);
  assert.equal(
    validateValue(t("uuid"), resolveTerm(t("uuid"), call("now"), ctx) as Uint8Array),
    undefined,
  );
  const min = resolveTerm(
    t("timeuuid"),
    call("mintimeuuid", lit("string", "2024-01-02")),
    ctx,
  ) as Uint8Array;
  const max = resolveTerm(
    t("timeuuid"),
    call("maxtimeuuid", lit("string", "2024-01-02")),
    ctx,
  ) as Uint8Array;
  const atTime = resolveTerm(t("timeuuid"), call("now"), context([], 1704153600000)) as Uint8Array;
  assert.ok(compareValues(t("timeuuid"), min, atTime) < 0);
  assert.ok(compareValues(t("timeuuid"), atTime, max) < 0);
  assert.deepEqual(
    resolveTerm(t("int"), call("blobasint", lit("hex", "00000102")), ctx),
    bytes(0, 0, 1, 2),
  );
  assert.deepEqual(
    resolveTerm(t("blob"), call("textasblob", lit("string", "a")), ctx),
    bytes(0x61),
  );
  assert.equal(resolveTerm(t("timestamp"), call("totimestamp", lit("null", "null")), ctx), null);
  const errors: [string, Term, string][] = [
    [
      "int",
      call("now"),
      'Type error: cannot assign result of function system.now (type timeuuid) to "k" (type int)',
    ],
    [
      "int",
      call("blobasint", lit("hex", "01")),
      "In call to function system.blobasint, value 0x01 is not a valid binary representation for type int",
    ],
    ["int", call("nosuch"), "Unknown function nosuch"],
    [
      "timeuuid",
      call("now", lit("integer", "1")),
      "Invalid number of arguments in call to function system.now: 0 required but 1 provided",
    ],
    [
      "timestamp",
      call("totimestamp", { kind: "bind", index: 0 }),
      "Ambiguous call to function system.totimestamp (can be matched by following signatures: timeuuid, date): use type casts to disambiguate",
    ],
    [
      "timestamp",
      call("totimestamp", lit("boolean", "true")),
      "Type error: true cannot be passed as argument 0 of function system.totimestamp of type timeuuid or date",
    ],
  ];
  for (const [type, term, message] of errors) {
    assert.throws(() => resolveTerm(t(type), term, ctx, { column: "k" }), {
      name: "CqlValueError",
      message,
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Ordering

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function checkOrder<T>(
  typeText: string,
  arbitrary: fc.Arbitrary<T>,
  expected: (a: T, b: T) => number,
  seed: number,
): void {
  const type = t(typeText);
  fc.assert(
    fc.property(arbitrary, arbitrary, (a, b) => {
      assert.equal(
        sign(compareValues(type, encodeValue(type, a), encodeValue(type, b))),
        sign(expected(a, b)),
      );
    }),
    { numRuns: 500, seed },
  );
}

function javaCompare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const rank = (x: number) => Number.isNaN(x) ? 2 : Object.is(x, -0) ? -1 : 0;
  return rank(a) - rank(b);
}

Deno.test("compareValues() orders numbers numerically", () => {
  const numeric = (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0);
  checkOrder("int", NATIVE_ARBITRARIES.int as fc.Arbitrary<number>, numeric, 1);
  checkOrder("smallint", NATIVE_ARBITRARIES.smallint as fc.Arbitrary<number>, numeric, 2);
  checkOrder("tinyint", NATIVE_ARBITRARIES.tinyint as fc.Arbitrary<number>, numeric, 3);
  checkOrder("bigint", fc.bigInt(INT64), numeric, 4);
  checkOrder("timestamp", fc.bigInt(INT64), numeric, 5);
  checkOrder("time", NATIVE_ARBITRARIES.time as fc.Arbitrary<bigint>, numeric, 6);
  checkOrder("date", NATIVE_ARBITRARIES.date as fc.Arbitrary<number>, numeric, 7);
  checkOrder("varint", NATIVE_ARBITRARIES.varint as fc.Arbitrary<bigint>, numeric, 8);
  checkOrder("double", fc.double(), javaCompare, 9);
  checkOrder("float", fc.float(), javaCompare, 10);
  const decimal = fc.tuple(
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
    fc.integer({ min: -8, max: 8 }),
  );
  checkOrder(
    "decimal",
    decimal.map(([u, s]) => `${u}E${-s}`),
    (a, b) => {
      // Compare a = u1*10^e1 and b = u2*10^e2 exactly at a common exponent.
      const [u1, e1] = a.split("E").map((x) => BigInt(x));
      const [u2, e2] = b.split("E").map((x) => BigInt(x));
      const e = e1 < e2 ? e1 : e2;
      const x = u1 * 10n ** (e1 - e);
      const y = u2 * 10n ** (e2 - e);
      return x < y ? -1 : x > y ? 1 : 0;
    },
    11,
  );
  assert.equal(
    compareValues(
      t("decimal"),
      encodeValue(t("decimal"), "1.50"),
      encodeValue(t("decimal"), "1.5"),
    ),
    0,
  );
  assert.ok(compareValues(t("int"), bytes(), bytes(0x80, 0, 0, 0)) < 0);
});

Deno.test("compareValues() orders text, blob and inet by unsigned bytes", () => {
  const utf8 = (a: string, b: string) => {
    const x = new TextEncoder().encode(a);
    const y = new TextEncoder().encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  checkOrder("text", fc.string({ unit: "binary", maxLength: 6 }), utf8, 12);
  assert.ok(compareValues(t("blob"), bytes(0x7f), bytes(0x80)) < 0);
  assert.ok(compareValues(t("blob"), bytes(1), bytes(1, 0)) < 0);
  assert.ok(
    compareValues(
      t("inet"),
      encodeValue(t("inet"), "127.0.0.2"),
      encodeValue(t("inet"), "127.0.0.1"),
    ) > 0,
  );
  assert.ok(compareValues(t("boolean"), bytes(0), bytes(1)) < 0);
});

Deno.test("compareValues() orders timeuuids by time and uuids by version first", () => {
  const timeuuid = t("timeuuid");
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }),
      fc.integer({ min: 0, max: 2 ** 40 }),
      (a, b) => {
        const x = resolveTerm(
          timeuuid,
          { kind: "function", name: "now", args: [] },
          context([], a),
        ) as Uint8Array;
        const y = resolveTerm(
          timeuuid,
          { kind: "function", name: "now", args: [] },
          context([], b),
        ) as Uint8Array;
        if (a !== b) assert.equal(sign(compareValues(timeuuid, x, y)), sign(a - b));
        assert.equal(sign(compareValues(t("uuid"), x, y)), a === b ? 0 : sign(a - b));
      },
    ),
    { numRuns: 300, seed: 13 },
  );
  const v4 = encodeValue(t("uuid"), "00000000-0000-4000-8000-000000000000");
  const v1 = encodeValue(t("uuid"), "ffffffff-ffff-1fff-bfff-ffffffffffff");
  assert.ok(compareValues(t("uuid"), v1, v4) < 0);
  // timeuuid compares the low half as signed bytes, uuid as unsigned.
  const low = encodeValue(t("timeuuid"), "00000000-0000-1000-8000-000000000000");
  const high = encodeValue(t("timeuuid"), "00000000-0000-1000-7f00-000000000000");
  assert.ok(compareValues(t("timeuuid"), low, high) < 0);
  assert.ok(compareValues(t("uuid"), low, high) > 0);
});

Deno.test("compareValues() orders collections and tuples element by element", () => {
  const list = t("frozen<list<int>>");
  const l = (...v: number[]) => encodeValue(list, v);
  assert.ok(compareValues(list, l(1, 2), l(1, 3)) < 0);
  assert.ok(compareValues(list, l(1, 2), l(1, 2, 0)) < 0);
  assert.ok(compareValues(list, l(-1, 9), l(1)) < 0);
  assert.equal(compareValues(list, l(1, 2), l(1, 2)), 0);
  const tuple = t("tuple<int, text>");
  assert.ok(compareValues(tuple, encodeValue(tuple, [1, null]), encodeValue(tuple, [1, "a"])) < 0);
  assert.ok(compareValues(tuple, encodeValue(tuple, [2, "a"]), encodeValue(tuple, [1, "b"])) > 0);
  const map = t("frozen<map<int, int>>");
  assert.ok(compareValues(map, encodeValue(map, { 1: 5 }), encodeValue(map, { 1: 6 })) < 0);
});

// ---------------------------------------------------------------------------------------------
// Formatting

Deno.test("formatValueForCql() renders CQL literals", () => {
  const cases: [string, unknown, string][] = [
    ["text", "it's", "'it''s'"],
    ["int", -5, "-5"],
    ["bigint", 5n, "5"],
    ["double", NaN, "NaN"],
    ["float", -Infinity, "-Infinity"],
    ["blob", bytes(0xca, 0xfe), "0xcafe"],
    ["boolean", false, "false"],
    ["uuid", "550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000"],
    ["timestamp", 1704164645000, "'2024-01-02T03:04:05.000Z'"],
    ["timestamp", -1, "'1969-12-31T23:59:59.999Z'"],
    ["date", "0001-01-01", "'0001-01-01'"],
    ["time", "03:04:05", "'03:04:05.000000000'"],
    ["inet", "::ffff:1.2.3.4", "'::ffff:1.2.3.4'"],
    ["duration", "-1h30m", "-1h30m"],
    ["duration", "0s", "0s"],
    ["decimal", "-0.00012", "-0.00012"],
    ["list<text>", ["a", "b"], "['a', 'b']"],
    ["set<int>", [2, 1], "{1, 2}"],
    ["map<text, int>", { a: 1 }, "{'a': 1}"],
    ["tuple<int, text>", [1], "(1, null)"],
  ];
  for (const [type, value, expected] of cases) {
    assert.equal(formatValueForCql(t(type), encodeValue(t(type), value)), expected);
  }
  assert.equal(formatValueForCql(t("int"), bytes(1, 2, 3)), "0x010203");
  assert.equal(formatValueForCql(t("int"), bytes()), "''");
});
