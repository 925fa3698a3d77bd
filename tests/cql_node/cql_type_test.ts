import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type CqlType,
  CqlTypeError,
  encodeTypeOption,
  formatCqlType,
  type NativeTypeName,
  parseCqlType,
} from "../../lib/cql_node/values/cql_type.ts";

const NATIVES: NativeTypeName[] = [
  "ascii",
  "bigint",
  "blob",
  "boolean",
  "counter",
  "decimal",
  "double",
  "float",
  "inet",
  "int",
  "smallint",
  "text",
  "timestamp",
  "timeuuid",
  "tinyint",
  "uuid",
  "varint",
  "date",
  "time",
  "duration",
];

const int: CqlType = { kind: "native", name: "int" };
const text: CqlType = { kind: "native", name: "text" };

Deno.test("parseCqlType() reads every native type, case-insensitively", () => {
  for (const name of NATIVES) {
    assert.deepEqual(parseCqlType(name), { kind: "native", name });
    assert.deepEqual(parseCqlType(` ${name.toUpperCase()} `), { kind: "native", name });
  }
  assert.deepEqual(parseCqlType("VARCHAR"), text);
});

Deno.test("parseCqlType() reads collections, frozen and tuples", () => {
  assert.deepEqual(parseCqlType("list<int>"), { kind: "list", element: int, frozen: false });
  assert.deepEqual(parseCqlType("frozen < set < varchar > >"), {
    kind: "set",
    element: text,
    frozen: true,
  });
  assert.deepEqual(parseCqlType("map<text, frozen<list<int>>>"), {
    kind: "map",
    key: text,
    value: { kind: "list", element: int, frozen: true },
    frozen: false,
  });
  assert.deepEqual(parseCqlType("frozen<list<list<int>>>"), {
    kind: "list",
    element: { kind: "list", element: int, frozen: true },
    frozen: true,
  });
  assert.deepEqual(parseCqlType("tuple<int, list<text>>"), {
    kind: "tuple",
    elements: [int, { kind: "list", element: text, frozen: true }],
  });
});

Deno.test("parseCqlType() maps quoted marshal classes to native types or custom", () => {
  assert.deepEqual(parseCqlType("'org.apache.cassandra.db.marshal.Int32Type'"), int);
  assert.deepEqual(parseCqlType("'UTF8Type'"), text);
  assert.deepEqual(parseCqlType("'com.example.MyType'"), {
    kind: "custom",
    className: "com.example.MyType",
  });
});

Deno.test("parseCqlType() rejects unknown and malformed types", async (t) => {
  const cases: [string, string][] = [
    ["foo", "Unknown type foo"],
    ["list<foo>", "Unknown type foo"],
    ["list<int", 'Cannot parse type "list<int": found "", expected ">"'],
    ["list<int>>", 'Cannot parse type "list<int>>": unexpected ">" after the type'],
    ["map<int>", 'Cannot parse type "map<int>": found ">", expected ","'],
    ["", 'Cannot parse type "": it ends early'],
    ["frozen<int>", "frozen<> is only allowed on collections, tuples, and user-defined types"],
    [
      "list<list<int>>",
      "Non-frozen collections are not allowed inside collections: list<list<int>>",
    ],
    ["set<counter>", "Counters are not allowed inside collections: set<counter>"],
    ["set<duration>", "Durations are not allowed inside sets: set<duration>"],
    ["int int", 'Cannot parse type "int int": unexpected "int" after the type'],
  ];
  for (const [input, message] of cases) {
    await t.step(input || "(empty)", () => {
      assert.throws(() => parseCqlType(input), (error: unknown) => {
        assert.ok(error instanceof CqlTypeError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});

Deno.test("formatCqlType() writes types as system_schema.columns does", () => {
  const cases: [string, string][] = [
    ["varchar", "text"],
    ["MAP<varchar,varchar>", "map<text, text>"],
    ["frozen<list<int>>", "frozen<list<int>>"],
    ["set<text>", "set<text>"],
    ["list<frozen<set<int>>>", "list<frozen<set<int>>>"],
    ["frozen<map<text, list<int>>>", "frozen<map<text, list<int>>>"],
    ["tuple<int, text>", "frozen<tuple<int, text>>"],
    ["list<tuple<int, text>>", "list<frozen<tuple<int, text>>>"],
    ["'com.example.It''s'", "'com.example.It''s'"],
  ];
  for (const [input, expected] of cases) assert.equal(formatCqlType(parseCqlType(input)), expected);
});

function typeArbitrary(): fc.Arbitrary<CqlType> {
  const native = fc.constantFrom(...NATIVES.filter((n) => n !== "counter" && n !== "duration"))
    .map((name): CqlType => ({ kind: "native", name }));
  const { type } = fc.letrec<{ type: CqlType; frozenType: CqlType }>((tie) => ({
    type: fc.oneof(
      { maxDepth: 3, depthIdentifier: "t" },
      native,
      fc.record({
        kind: fc.constantFrom("list" as const, "set" as const),
        element: tie("frozenType"),
        frozen: fc.boolean(),
      }).map((r): CqlType => ({ ...r })),
      fc.record({
        kind: fc.constant("map" as const),
        key: tie("frozenType"),
        value: tie("frozenType"),
        frozen: fc.boolean(),
      }).map((r): CqlType => ({ ...r })),
      fc.record({
        kind: fc.constant("tuple" as const),
        elements: fc.array(tie("frozenType"), { minLength: 1, maxLength: 3 }),
      }).map((r): CqlType => ({ ...r })),
    ),
    frozenType: tie("type").map(function freeze(t: CqlType): CqlType {
      if (t.kind === "list" || t.kind === "set") {
        return { kind: t.kind, element: freeze(t.element), frozen: true };
      }
      if (t.kind === "map") {
        return { kind: "map", key: freeze(t.key), value: freeze(t.value), frozen: true };
      }
      if (t.kind === "tuple") return { kind: "tuple", elements: t.elements.map(freeze) };
      return t;
    }),
  }));
  return type;
}

Deno.test("parseCqlType() reads back what formatCqlType() writes", () => {
  fc.assert(
    fc.property(typeArbitrary(), (type) => {
      assert.deepEqual(parseCqlType(formatCqlType(type)), type);
      assert.equal(
        formatCqlType(parseCqlType(formatCqlType(type).toUpperCase())),
        formatCqlType(type),
      );
    }),
    { numRuns: 500, seed: 20240102 },
  );
});

Deno.test("encodeTypeOption() writes the protocol ids", () => {
  const ids: Record<NativeTypeName, number> = {
    ascii: 1,
    bigint: 2,
    blob: 3,
    boolean: 4,
    counter: 5,
    decimal: 6,
    double: 7,
    float: 8,
    int: 9,
    timestamp: 0x0b,
    uuid: 0x0c,
    text: 0x0d,
    varint: 0x0e,
    timeuuid: 0x0f,
    inet: 0x10,
    date: 0x11,
    time: 0x12,
    smallint: 0x13,
    tinyint: 0x14,
    duration: 0x15,
  };
  for (const name of NATIVES.filter((name) => name !== "duration")) {
    assert.deepEqual(encodeTypeOption({ kind: "native", name }), new Uint8Array([0, ids[name]]));
  }
});

Deno.test("encodeTypeOption() writes duration as Cassandra's custom class (its id is protocol v5's)", () => {
  const name = new TextEncoder().encode("org.apache.cassandra.db.marshal.DurationType");
  const custom = new Uint8Array([0, 0, 0, name.length, ...name]);
  assert.deepEqual(encodeTypeOption(parseCqlType("duration")), custom);
  assert.deepEqual(
    encodeTypeOption(parseCqlType("list<duration>")),
    new Uint8Array([0, 0x20, ...custom]),
  );
});

Deno.test("encodeTypeOption() nests collection, tuple and custom options", () => {
  assert.deepEqual(
    encodeTypeOption(parseCqlType("list<frozen<set<text>>>")),
    new Uint8Array([0, 0x20, 0, 0x22, 0, 0x0d]),
  );
  assert.deepEqual(
    encodeTypeOption(parseCqlType("map<int, text>")),
    new Uint8Array([0, 0x21, 0, 0x09, 0, 0x0d]),
  );
  assert.deepEqual(
    encodeTypeOption(parseCqlType("tuple<int, blob, uuid>")),
    new Uint8Array([0, 0x31, 0, 3, 0, 0x09, 0, 0x03, 0, 0x0c]),
  );
  assert.deepEqual(
    encodeTypeOption(parseCqlType("'a.Bé'")),
    new Uint8Array([0, 0, 0, 5, 0x61, 0x2e, 0x42, 0xc3, 0xa9]),
  );
});
