/**
 * The data parity steps of value types: the order of clustering values of each type a
 * cassandra-stress profile can generate, and literals of every common type read back.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { type DataStep, many, pages, q } from "./_data_step_kit.ts";

/** Each type and literals of it, in no particular order. */
const ORDERED: [string, string[]][] = [
  ["bigint", ["0", "-1", "9223372036854775807", "-9223372036854775808", "256", "-256"]],
  ["int", ["0", "-1", "2147483647", "-2147483648", "65536"]],
  ["smallint", ["0", "-1", "32767", "-32768", "255"]],
  ["tinyint", ["0", "-1", "127", "-128"]],
  ["varint", [
    "0",
    "-1",
    "127",
    "128",
    "-128",
    "-129",
    "255",
    "256",
    "100000000000000000000",
    "-100000000000000000000",
  ]],
  ["decimal", ["0", "-1.5", "1.50", "10", "0.00001", "123.456", "-100000000000000000000.1"]],
  ["double", ["0.0", "-0.0", "1.5", "-2.5", "1e300", "-1e300", "NaN", "Infinity", "-Infinity"]],
  ["float", ["0.0", "-0.0", "1.5", "-2.5", "3.4e38", "NaN", "-Infinity"]],
  ["boolean", ["true", "false"]],
  ["text", ["'a'", "'B'", "'é'", "''", "'ab'", "'😀'", "'z'"]],
  ["ascii", ["'a'", "'B'", "'ab'", "'~'", "' '"]],
  ["blob", ["0x00", "0x0000", "0xff", "0x01", "0x80", "0x7f"]],
  ["inet", ["'127.0.0.1'", "'127.0.0.0'", "'::1'", "'255.255.255.255'", "'1::'", "'fe80::1'"]],
  ["timestamp", ["0", "-1000", "'2024-01-01 00:00:00+0000'", "1700000000000", "'1960-05-06'"]],
  ["date", ["'1970-01-01'", "'1969-01-01'", "'2024-02-29'", "'2262-04-11'", "'1000-01-01'"]],
  ["time", ["'00:00:00'", "'23:59:59.999999999'", "'12:00:00.5'", "'00:00:00.000000001'"]],
  ["uuid", [
    "00000000-0000-1000-8000-000000000000",
    "ffffffff-ffff-4fff-bfff-ffffffffffff",
    "10000000-0000-4000-8000-000000000000",
    "80000000-0000-4000-0000-000000000000",
    "12345678-1234-1234-1234-123456789012",
    "e0000000-0000-1000-0000-000000000000",
    "00000000-0001-1000-8000-000000000000",
    "00000000-0000-3000-8000-000000000000",
    "00000000-0000-1000-7f00-000000000000",
  ]],
  ["timeuuid", [
    "00000000-0000-1000-8000-000000000000",
    "00000000-0000-1000-7f00-000000000000",
    "00000000-0000-1000-ff00-000000000000",
    "ffffffff-0000-1000-8000-000000000000",
    "00000000-ffff-1000-8000-000000000000",
    "00000000-0000-1001-8000-000000000000",
    "00000000-0000-1000-8000-0000000000ff",
    "00000000-0000-1000-8000-800000000000",
  ]],
];

/** A table per type clustered by it; rows read back in clustering order, then reversed. */
export function orderSteps(): DataStep[] {
  return ORDERED.map(([type, values]) => {
    const table = `ord_${type}`;
    return many(`clustering order of ${type}`, [
      `CREATE TABLE ${table} (k int, c ${type}, PRIMARY KEY (k, c))`,
      `BEGIN UNLOGGED BATCH ${
        values.map((v) => `INSERT INTO ${table} (k, c) VALUES (0, ${v});`).join(" ")
      } APPLY BATCH`,
      `SELECT c FROM ${table} WHERE k = 0`,
      `SELECT c FROM ${table} WHERE k = 0 ORDER BY c DESC LIMIT 3`,
      `SELECT c FROM ${table} WHERE k = 0 AND c > ${values[0]}`,
    ]);
  });
}

const ALL_TYPES = "a ascii, b bigint, bl blob, bo boolean, d date, de decimal, db double, " +
  "f float, i inet, ti time, ts timestamp, tu timeuuid, u uuid, va varint, sm smallint, " +
  "tn tinyint, du duration, t text";

/** Rows of literals, one column of each type, in the forms CQL takes them. */
const LITERAL_ROWS: Record<string, string>[] = [
  {
    a: "'abc'",
    b: "-42",
    bl: "0xCAFE",
    bo: "true",
    d: "'2024-02-29'",
    de: "1.50",
    db: "0.1",
    f: "0.1",
    i: "'127.1.2.3'",
    ti: "'08:12:54.123'",
    ts: "'2024-01-02 03:04:05+0000'",
    tu: "50554d6e-29bb-11e5-b345-feff819cdc9f",
    u: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
    va: "123456789012345678901234567890",
    sm: "-32768",
    tn: "127",
    du: "1h30m",
    t: "'héllo'",
  },
  {
    b: "9223372036854775807",
    de: "-0.001",
    db: "1e300",
    f: "3.4e38",
    i: "'::1'",
    ti: "'08:12:54'",
    ts: "'2024-01-02T03:04:05.678Z'",
    d: "2147483648",
    du: "2d",
    va: "-1",
  },
  {
    de: "12345678901234567890.123",
    db: "-0.0",
    f: "-0.0",
    i: "'0:0:0:0:0:0:0:1'",
    ti: "'08:12:54.123456789'",
    ts: "'2024-01-02'",
    du: "1mo2w",
  },
  {
    de: "0",
    db: "3",
    f: "2",
    i: "'fe80::1'",
    ti: "1000",
    ts: "1700000000123",
    du: "-1h",
    va: "0",
  },
  { db: "NaN", f: "Infinity", ts: "'2024-01-02 03:04:05.1+0130'", du: "1y2mo3w4d5h6m7s8ms9us10ns" },
  { de: "1E+3", ts: "'2024-01-02 03:04+0000'" },
];

/** Literals of a type's own kind that do not make a value of it: each column and its literal. */
const BAD_LITERALS: [string, string][] = [
  ["sm", "32768"],
  ["sm", "-32769"],
  ["a", "'é'"],
  ["de", "NaN"],
  ["ti", "'24:00:00'"],
  ["d", "'2023-02-29'"],
  ["i", "'1.2.3.256'"],
  ["b", "9223372036854775808"],
  ["ti", "'25:00:00'"],
  ["ti", "-1"],
  ["d", "'2024-13-01'"],
  ["d", "5000000000"],
  ["ts", "'2024-13-01'"],
  ["i", "'not an address'"],
  ["u", "'nope'"],
  ["tu", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"],
  ["tu", "'nope'"],
];

/** A row of each type's literals, and the same values bound. */
export function literalSteps(): DataStep[] {
  const inserts = LITERAL_ROWS.map((row, k) => {
    const names = Object.keys(row).filter((name) => row[name] !== "");
    return `INSERT INTO lit (k, ${names.join(", ")}) VALUES (${k}, ${
      names.map((n) => row[n]).join(", ")
    })`;
  });
  return [
    q("CREATE TABLE of every common type", `CREATE TABLE lit (k int PRIMARY KEY, ${ALL_TYPES})`),
    ...inserts.map((cql, k) => q(`INSERT of literals, row ${k}`, cql)),
    q("SELECT of the literals", "SELECT * FROM lit"),
    q("INSERT of an out-of-range int literal", "INSERT INTO lit (k) VALUES (2147483648)"),
    q("INSERT of an out-of-range tinyint literal", "INSERT INTO lit (k, tn) VALUES (9, 128)"),
    q("INSERT of a bad date literal", "INSERT INTO lit (k, d) VALUES (9, '2024-02-30')"),
    q("INSERT of a bad timestamp literal", "INSERT INTO lit (k, ts) VALUES (9, 'yesterday')"),
    q("INSERT of a float literal into an int", "INSERT INTO lit (k, b) VALUES (9, 1.5)"),
    ...BAD_LITERALS.map(([column, literal]) =>
      q(
        `INSERT of the bad literal ${literal} into ${column}`,
        `INSERT INTO lit (k, ${column}) VALUES (9, ${literal})`,
      )
    ),
    q("SELECT of a missing key", "SELECT * FROM lit WHERE k = 9"),
  ];
}

const KEYS = ["0x01", "0x02", "0x0a0b", "0xff", "0x00", "0x7f7f7f"];
const S1_TOKENS = 'SELECT token("key"), "key" FROM s1 WHERE token("key") > ? AND token("key") <= ?';

/** A table of cassandra-stress's default shape: a blob key, no clustering, quoted columns. */
export function keyValueSteps(): DataStep[] {
  return [
    q(
      "CREATE TABLE of cassandra-stress's shape",
      'CREATE TABLE s1 ("key" blob PRIMARY KEY, "C0" blob, "C1" blob)',
    ),
    many(
      "INSERTs of keys",
      KEYS.map((key, i) => `INSERT INTO s1 ("key", "C0", "C1") VALUES (${key}, 0x0${i}, 0xee)`),
    ),
    q("SELECT of a key", 'SELECT * FROM s1 WHERE "key" = ?', [Buffer.from([0x0a, 0x0b])]),
    q("SELECT of a missing blob key", 'SELECT "C0" FROM s1 WHERE "key" = 0x0c'),
    q("SELECT with IN on the key", 'SELECT "key", "C0" FROM s1 WHERE "key" IN (0xff, 0x01, 0x0c)'),
    q("SELECT * in token order", "SELECT * FROM s1"),
    pages("SELECT in pages of 4", 'SELECT "key" FROM s1', { fetchSize: 4 }),
    pages("SELECT in pages of 3 (exact)", 'SELECT "key" FROM s1', { fetchSize: 3 }),
    q("SELECT token() range with LIMIT", `${S1_TOKENS} LIMIT 2`, [
      "-9223372036854775808",
      "0",
    ]),
    pages("SELECT token() range in pages of 1", S1_TOKENS, {
      fetchSize: 1,
      params: ["0", "9223372036854775807"],
    }),
    q("SELECT DISTINCT of the key", 'SELECT DISTINCT "key" FROM s1'),
    q("count(*) of the blob-keyed table", "SELECT count(*) FROM s1"),
    q(
      "SELECT filtering on a column, ALLOW FILTERING",
      'SELECT "key" FROM s1 WHERE "C1" = 0xee AND "C0" > 0x02 ALLOW FILTERING',
    ),
    many("UPDATE of a column to null (the inserted row stays)", [
      'UPDATE s1 SET "C0" = null, "C1" = null WHERE "key" = 0x01',
      'SELECT * FROM s1 WHERE "key" = 0x01',
    ]),
    many("UPDATE of a new key, then its columns deleted (the row goes)", [
      'UPDATE s1 SET "C0" = 0x09 WHERE "key" = 0x09',
      'DELETE "C0" FROM s1 WHERE "key" = 0x09',
      'SELECT * FROM s1 WHERE "key" = 0x09',
    ]),
    many("DELETE of a key", [
      'DELETE FROM s1 WHERE "key" = 0xff',
      "SELECT count(*) FROM s1",
    ]),
    q(
      "INSERT IF NOT EXISTS of an existing key",
      'INSERT INTO s1 ("key", "C0") VALUES (?, ?) IF NOT EXISTS',
      [Buffer.from([0x02]), Buffer.from([0x0f])],
    ),
    q(
      "UPDATE IF of a key not applied",
      'UPDATE s1 SET "C1" = 0x00 WHERE "key" = 0x02 IF "C0" = 0x0f',
    ),
    q("DELETE IF EXISTS of a missing key", 'DELETE FROM s1 WHERE "key" = 0x0c IF EXISTS'),
    q("SELECT with a slice on the key", 'SELECT * FROM s1 WHERE "key" > 0x01'),
    q("SELECT of an unquoted upper-case column", "SELECT C0 FROM s1"),
  ];
}
