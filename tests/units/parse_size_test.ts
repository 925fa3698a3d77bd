import assert from "node:assert/strict";
import fc from "fast-check";
import { OptionError } from "../../lib/errors.ts";
import { formatSize, parseSize, parseSizeOrPercent } from "../../lib/units/parse_size.ts";

Deno.test("parseSize() reads decimal, binary and bare sizes", () => {
  assert.equal(parseSize("10M"), 10_000_000);
  assert.equal(parseSize("10MB"), 10_000_000);
  assert.equal(parseSize("10mb"), 10_000_000);
  assert.equal(parseSize("2k"), 2000);
  assert.equal(parseSize("3G"), 3_000_000_000);
  assert.equal(parseSize("1T"), 1e12);
  assert.equal(parseSize("10MiB"), 10_485_760);
  assert.equal(parseSize("64kib"), 65_536);
  assert.equal(parseSize("1GiB"), 2 ** 30);
  assert.equal(parseSize("1TiB"), 2 ** 40);
  assert.equal(parseSize("4096"), 4096);
  assert.equal(parseSize("512B"), 512);
  assert.equal(parseSize("3.00 MiB"), 3 * 2 ** 20);
});

Deno.test("parseSize() accepts decimals that give whole bytes", () => {
  assert.equal(parseSize("1.5K"), 1500);
  assert.equal(parseSize("0.5KiB"), 512);
  assert.equal(parseSize("2.125M"), 2_125_000);
});

Deno.test("parseSize() rejects fractional bytes", () => {
  assert.throws(() => parseSize("1.0001K", "chunk"), {
    name: "OptionError",
    message:
      'Cannot parse option "chunk": "1.0001K" is not a whole number of bytes, expected a whole number of bytes, optionally with a unit K, M, G, T (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)',
  });
  assert.throws(() => parseSize("1.5"), /is not a whole number of bytes/);
  assert.throws(() => parseSize("0.1KiB"), /is not a whole number of bytes/);
});

Deno.test("parseSize() rejects a negative value, empty text and malformed numbers", () => {
  for (const text of ["-5M", "", "  ", "M", ".5K", "1.K", "1e6", "10 M B", "0x10"]) {
    assert.throws(() => parseSize(text, "chunk"), OptionError, text);
  }
});

Deno.test("parseSize() rejects an unknown unit", () => {
  for (const text of ["10X", "10Mi", "10KBs", "5PB", "10kibi"]) {
    assert.throws(() => parseSize(text), /has an unknown unit/, text);
  }
});

Deno.test("parseSize() rejects zero unless allowed", () => {
  assert.throws(() => parseSize("0"), /is zero/);
  assert.throws(() => parseSize("0.0M"), /is zero/);
  assert.equal(parseSize("0", "min-free", { allowZero: true }), 0);
});

Deno.test("parseSize() rejects sizes beyond Number.MAX_SAFE_INTEGER", () => {
  assert.equal(parseSize(String(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
  assert.throws(() => parseSize(String(Number.MAX_SAFE_INTEGER + 1)), /is too large/);
  assert.throws(() => parseSize("9008T"), /is too large/);
  assert.throws(() => parseSize("99999999999999999999999TiB"), /is too large/);
});

Deno.test("formatSize() picks the largest unit in each system", () => {
  assert.equal(formatSize(0), "0 B");
  assert.equal(formatSize(1023), "1023 B");
  assert.equal(formatSize(1024), "1.00 KiB");
  assert.equal(formatSize(10_000_000), "9.54 MiB");
  assert.equal(formatSize(2 ** 40), "1.00 TiB");
  assert.equal(formatSize(2_000_000_000, { system: "decimal" }), "2.00 GB");
  assert.equal(formatSize(212_400_000, { system: "decimal", digits: 1 }), "212.4 MB");
  assert.equal(formatSize(999_999, { system: "decimal" }), "1.00 MB");
  assert.equal(formatSize(-2048), "-2.00 KiB");
  assert.equal(formatSize(2 ** 50), "1024.00 TiB");
});

Deno.test("formatSize() and parseSize() round trip exactly on whole units", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 999 }),
      fc.constantFrom<[number, "binary" | "decimal"]>(
        [1024, "binary"],
        [2 ** 20, "binary"],
        [2 ** 30, "binary"],
        [1000, "decimal"],
        [1e6, "decimal"],
        [1e9, "decimal"],
      ),
      (count, [unitBytes, system]) => {
        const bytes = count * unitBytes;
        assert.equal(parseSize(formatSize(bytes, { system })), bytes);
      },
    ),
    { numRuns: 500, seed: 11 },
  );
});

Deno.test("formatSize() and parseSize() round trip within rounding", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: Math.floor(Number.MAX_SAFE_INTEGER / 200) }),
      fc.constantFrom<"binary" | "decimal">("binary", "decimal"),
      (bytes, system) => {
        const text = formatSize(bytes, { system });
        const match = /^(\d+)(?:\.(\d\d))? (\w+)$/.exec(text);
        assert.ok(match, text);
        // Parse the value in hundredths of the unit so the result is whole, then scale back.
        const hundredths = parseSize(`${match[1]}${match[2] ?? "00"}${match[3]}`, "size", {
          allowZero: true,
        });
        const unitBytes = parseSize(`1${match[3]}`);
        const parsed = hundredths / 100;
        assert.ok(Math.abs(parsed - bytes) <= unitBytes * 0.005 + 1e-6 * bytes, text);
      },
    ),
    { numRuns: 1000, seed: 12 },
  );
});

Deno.test("parseSizeOrPercent() reads a percentage or a size", () => {
  assert.deepEqual(parseSizeOrPercent("5%"), { percent: 5 });
  assert.deepEqual(parseSizeOrPercent("2.5%"), { percent: 2.5 });
  assert.deepEqual(parseSizeOrPercent("0%"), { percent: 0 });
  assert.deepEqual(parseSizeOrPercent("100%"), { percent: 100 });
  assert.deepEqual(parseSizeOrPercent("1G"), { bytes: 1e9 });
  assert.deepEqual(parseSizeOrPercent("0"), { bytes: 0 });
});

Deno.test("parseSizeOrPercent() rejects a bad percentage", () => {
  for (const text of ["101%", "-5%", "%", "5%%", "x%", "1e2%"]) {
    assert.throws(() => parseSizeOrPercent(text, "min-free"), OptionError, text);
  }
  assert.throws(() => parseSizeOrPercent("101%", "min-free"), {
    message:
      'Cannot parse option "min-free": "101%" is over 100%, expected a percentage from 0% to 100%, or a size such as 10G',
  });
});
