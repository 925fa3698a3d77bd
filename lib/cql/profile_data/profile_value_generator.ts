/**
 * The value generator of one column of a cassandra-stress user profile (`generate/values/`),
 * byte for byte: seeded with a long, it yields the column's values in their CQL wire encoding.
 * With `id` the next identity (`population`) draw:
 *
 * - text, varchar, ascii: `size` seeded by `id` characters, from a `FasterRandom` seeded by
 *   `~id`, each `((b & 127) + 32) & 127` (0-127, control characters included); blob: the bytes.
 * - int, bigint/counter, smallint, tinyint, inet, date: `id` cut to the width (`date` as days
 *   since the epoch); time, timestamp: `id` (ns, ms); varint, decimal: `id` (scale 0).
 * - float, double: the identity distribution's continuous draw (`nextDouble()`).
 * - boolean: always true (`id % 1 == 0`); uuid: `UUID(id, id)`; timeuuid: a version 1 UUID of
 *   `id` ms, whose clock and node are the column's salt.
 * - list/set: `size` elements of the element type, seeded with `seed * 31`.
 *
 * @module
 */

import type { DistributionSpec } from "../../units/distribution_spec.ts";
import { OptionError } from "../../errors.ts";
import { FasterRandom } from "../_faster_random.ts";
import type { BlobColumn } from "./_blob_row_kernel.ts";
import { saltOf } from "../_murmur_salt.ts";
import * as K from "./_cql_kinds.ts";
import { SeededDistribution } from "../_seeded_distribution.ts";
import { SeedWords, TWO_POW_32 } from "./_seed_words.ts";
import { parseCqlColumnType } from "../profile/parse_cql_column_type.ts";

export type * from "../../units/distribution_spec.ts";
export type { CqlKind } from "./_cql_kinds.ts";

/** A column's `cluster` distribution, seeded by {@linkcode ProfileValueGenerator.setSeed}. */
export interface ClusterDistribution {
  /** Draws how many values a clustering level generates. */
  next(): number;
  /** The fewest values a level can draw. */
  readonly minValue: number;
  /** The most values a level can draw. */
  readonly maxValue: number;
}

/** One column of a profile table with its `columnspec` distributions (null: the default). */
export interface ProfileColumnSpec {
  /** The column name, as in the schema (it salts the generator). */
  readonly name: string;
  /** The CQL type: a scalar (`text`, `int`, `timeuuid`, ...), `list<T>` or `set<T>`. */
  readonly type: string;
  /** `population`: the identity distribution (default `uniform(1..100B)`, time types 50 years of ms). */
  readonly population?: DistributionSpec | null;
  /** `size`: characters, bytes or elements (default `uniform(4..8)`). */
  readonly size?: DistributionSpec | null;
  /** `cluster`: values per parent for a clustering column (default `fixed(1)`). */
  readonly cluster?: DistributionSpec | null;
}

const DEFAULT_POPULATION = 100_000_000_000;
/** `Dates`' default identity: `uniform(1..` 50 years of milliseconds `)`. */
const DEFAULT_TIME_POPULATION = 50 * 365 * 24 * 60 * 60 * 1000;
/** The UUID epoch (1582-10-15) in Unix milliseconds, negated. */
const UUID_EPOCH_OFFSET_MS = 12219292800000;

function uniform(min: number, max: number): DistributionSpec {
  return { kind: "uniform", min, max, inverted: false, source: `uniform(${min}..${max})` };
}

/**
 * The generator of one profile column, seeded as cassandra-stress's `Generator.setSeed`: the
 * identity distribution with `seed ^ salt`, the cluster distribution with `seed ^ ~salt`,
 * where the salt hashes `"seed for stress" + name`. Values come out in the CQL wire encoding
 * (protocol v3+; `date` as the driver binds it, days + 2^31).
 *
 * Where cassandra-stress itself is not reproducible, this is deterministic instead: a
 * `list`/`set` length with a non-fixed `size` (c-s never seeds that distribution) is drawn
 * from the size distribution seeded with the collection's seed, and a `timeuuid`'s `cluster`
 * distribution (never seeded by c-s) is seeded like the other types'. Sets keep their
 * elements in generation order, duplicates dropped (c-s sends Java `HashSet` order; the
 * server stores sets sorted, so the stored value is the same).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ProfileValueGenerator } from "./profile_value_generator.ts";
 *
 * const gen = new ProfileValueGenerator({ name: "id", type: "int" });
 * gen.setSeed(0, 42);
 * const first = gen.value();
 * assert.equal(first.length, 4);
 * gen.setSeed(0, 42);
 * assert.deepEqual(gen.value(), first);
 * ```
 */
export class ProfileValueGenerator {
  /** The column's kind (scalar and collection). */
  readonly kind: K.CqlKind;
  /** The column name. */
  readonly name: string;
  readonly #saltHigh: number;
  readonly #saltLow: number;
  readonly #identity: SeededDistribution;
  readonly #size: SeededDistribution;
  readonly #cluster: SeededDistribution;
  readonly #element: ProfileValueGenerator | null;
  readonly #bytes = new FasterRandom();
  readonly #scratch = new SeedWords();
  #buffer = new Uint8Array(64);
  #data = new DataView(this.#buffer.buffer);
  #length = 0;

  /**
   * Prepares the generator (hashes the name once).
   *
   * @param column The column's name, CQL type and distributions.
   * @throws {OptionError} For a type cassandra-stress cannot generate (map, tuple, UDT, ...),
   * a distribution it cannot reproduce (`qextreme`) or a negative `size`.
   */
  constructor(column: ProfileColumnSpec) {
    this.name = column.name;
    this.kind = K.parseCqlKind(column.type, column.name);
    [this.#saltHigh, this.#saltLow] = saltOf("seed for stress" + column.name);
    const scalar = this.kind.scalar;
    const timely = scalar === K.TIMESTAMP || scalar === K.TIMEUUID;
    const option = `columnspec ${column.name}`;
    this.#identity = new SeededDistribution(
      column.population ?? uniform(1, timely ? DEFAULT_TIME_POPULATION : DEFAULT_POPULATION),
      `${option} population`,
    );
    this.#size = new SeededDistribution(column.size ?? uniform(4, 8), `${option} size`);
    this.#cluster = new SeededDistribution(
      column.cluster ?? { kind: "fixed", value: 1, inverted: false, source: "fixed(1)" },
      `${option} cluster`,
    );
    const sized = scalar === K.TEXT || scalar === K.BLOB || this.kind.collection !== K.SCALAR;
    if (sized && (this.#size.minValue < 0 || column.size?.inverted)) {
      // c-s sizes its buffer by maxValue(), which an inverted distribution reports as its
      // minimum, and then fails with ArrayIndexOutOfBoundsException on a larger size.
      throw new OptionError({
        option: `${option} size`,
        value: column.size?.source ?? "",
        problem: column.size?.inverted ? "is inverted" : `has minimum "${this.#size.minValue}"`,
        expected: 'sizes of at least 0, without "~" (cassandra-stress fails on it)',
      });
    }
    this.#element = this.kind.collection === K.SCALAR ? null : new ProfileValueGenerator({
      name: column.name,
      type: parseCqlColumnType(column.type).args[0].text,
      population: column.population,
      size: column.size,
    });
  }

  /**
   * What the WebAssembly row kernel needs of a text or blob column whose population and size
   * are fixed or uniform; null for any other column.
   */
  get blobColumn(): BlobColumn | null {
    const scalar = this.kind.scalar;
    if (this.#element !== null || (scalar !== K.TEXT && scalar !== K.BLOB)) return null;
    const population = this.#identity.simpleBounds;
    const size = this.#size.simpleBounds;
    if (population === null || size === null || size.max >= 2 ** 31) return null;
    return {
      saltHigh: this.#saltHigh,
      saltLow: this.#saltLow,
      population,
      size,
      text: scalar === K.TEXT,
    };
  }

  /** The cluster distribution (`cluster`): how many values a clustering level draws. */
  get cluster(): ClusterDistribution {
    return this.#cluster;
  }

  /**
   * `setSeed(long)`: reseeds the identity (`seed ^ salt`) and cluster (`seed ^ ~salt`)
   * distributions; a collection also seeds its elements with `seed * 31`.
   *
   * @param high The upper 32 bits of the seed (signed or not).
   * @param low The lower 32 bits of the seed.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfileValueGenerator } from "./profile_value_generator.ts";
   *
   * const gen = new ProfileValueGenerator({ name: "seq", type: "bigint" });
   * gen.setSeed(-1, -2); // the long -2
   * const a = gen.value();
   * gen.setSeed(0xffffffff, 0xfffffffe); // the same long
   * assert.deepEqual(gen.value(), a);
   * ```
   */
  setSeed(high: number, low: number): void {
    this.#identity.setSeed(high ^ this.#saltHigh, low ^ this.#saltLow);
    this.#cluster.setSeed(high ^ ~this.#saltHigh, low ^ ~this.#saltLow);
    const element = this.#element;
    if (element !== null) {
      const seed = this.#scratch;
      seed.set(high, low);
      this.#size.setSeed(high, low);
      seed.mixLong(0, 0); // seed * 31
      element.setSeed(seed.high, seed.low);
    }
  }

  /**
   * Generates the next value into {@linkcode ProfileValueGenerator.buffer} without allocating
   * (past the buffer's growth).
   *
   * @returns The value's length in bytes.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfileValueGenerator } from "./profile_value_generator.ts";
   *
   * const gen = new ProfileValueGenerator({ name: "name", type: "text" });
   * gen.setSeed(0, 1);
   * const length = gen.generate();
   * assert.ok(length >= 4 && length <= 8); // size uniform(4..8) by default
   * assert.ok(gen.buffer.subarray(0, length).every((b) => b < 128));
   * ```
   */
  generate(): number {
    if (this.#element !== null) return this.#generateCollection(this.#element);
    const scalar = this.kind.scalar;
    const identity = this.#identity;
    switch (scalar) {
      case K.FLOAT:
        this.#view(4).setFloat32(0, identity.nextDouble());
        return 4;
      case K.DOUBLE:
        this.#view(8).setFloat64(0, identity.nextDouble());
        return 8;
      case K.TIMEUUID:
        return this.#timeUuid(identity.next());
      case K.TEXT:
      case K.BLOB:
        return this.#chars(identity.next(), scalar === K.TEXT);
    }
    return this.#number(scalar, identity.next());
  }

  /** The bytes of the last {@linkcode ProfileValueGenerator.generate} (a live buffer). */
  get buffer(): Uint8Array {
    return this.#buffer;
  }

  /** The length of the last generated value. */
  get length(): number {
    return this.#length;
  }

  /**
   * Generates the next value and returns a copy of its wire bytes.
   *
   * @returns A new array.
   */
  value(): Uint8Array {
    const length = this.generate();
    return this.#buffer.slice(0, length);
  }

  #ensure(size: number): Uint8Array {
    if (this.#buffer.length < size) {
      const grown = new Uint8Array(Math.max(size, this.#buffer.length * 2));
      grown.set(this.#buffer);
      this.#buffer = grown;
      this.#data = new DataView(grown.buffer);
    }
    return this.#buffer;
  }

  #view(size: number): DataView {
    this.#length = size;
    return this.#data;
  }

  /** Writes the int32 `value` big-endian at `at`. */
  #int(out: Uint8Array, at: number, value: number): void {
    out[at] = value >>> 24;
    out[at + 1] = value >>> 16;
    out[at + 2] = value >>> 8;
    out[at + 3] = value;
  }

  /** Writes `high:low` big-endian at `at`. */
  #long(out: Uint8Array, at: number, high: number, low: number): void {
    for (let i = 0; i < 4; i++) {
      out[at + i] = high >>> (24 - 8 * i);
      out[at + 4 + i] = low >>> (24 - 8 * i);
    }
  }

  /** The integral types, from the identity draw `id`. */
  #number(scalar: number, id: number): number {
    const out = this.#ensure(16);
    const high = Math.floor(id / TWO_POW_32) | 0;
    const low = id >>> 0;
    let length = 8;
    switch (scalar) {
      case K.INT:
      case K.INET:
        length = 4;
        this.#int(out, 0, low);
        break;
      case K.DATE:
        length = 4;
        this.#int(out, 0, low ^ 0x80000000);
        break;
      case K.SMALLINT:
        length = 2;
        out[0] = low >>> 8;
        out[1] = low;
        break;
      case K.TINYINT:
      case K.BOOLEAN: // `id % 1 == 0`: always true
        length = 1;
        out[0] = scalar === K.BOOLEAN ? 1 : low;
        break;
      case K.UUID:
        length = 16;
        this.#long(out, 0, high, low);
        this.#long(out, 8, high, low);
        break;
      case K.VARINT:
      case K.DECIMAL:
        return this.#varint(scalar === K.DECIMAL ? 4 : 0, high, low);
      default: // bigint, counter, time, timestamp
        this.#long(out, 0, high, low);
    }
    this.#length = length;
    return length;
  }

  /** `BigInteger.valueOf(id)` (minimal two's complement), after `skip` zero bytes of scale. */
  #varint(skip: number, high: number, low: number): number {
    const out = this.#ensure(16);
    out.fill(0, 0, skip);
    this.#long(out, skip, high, low);
    let start = skip;
    while (start < skip + 7) {
      const byte = out[start];
      const next = out[start + 1];
      if (!((byte === 0 && next < 0x80) || (byte === 0xff && next >= 0x80))) break;
      start++;
    }
    if (start > skip) out.copyWithin(skip, start, skip + 8);
    this.#length = skip + 8 - (start - skip);
    return this.#length;
  }

  /** `Strings` and `Bytes`: a size seeded by `id`, bytes from a `FasterRandom` seeded `~id`. */
  #chars(id: number, text: boolean): number {
    const size = this.#charsSize(id);
    this.#charsInto(this.#ensure(size), 0, size, text);
    this.#length = size;
    return size;
  }

  /** The size of a text or blob value of identity `id`; seeds its bytes. */
  #charsSize(id: number): number {
    const high = Math.floor(id / TWO_POW_32) | 0;
    const low = id >>> 0;
    this.#size.setSeed(high, low);
    this.#bytes.setSeed(~high, ~low);
    return this.#size.next() | 0;
  }

  /** Writes the seeded bytes of a text or blob value to `out[at..at+size)`. */
  #charsInto(out: Uint8Array, at: number, size: number, text: boolean): void {
    this.#bytes.fill(out, at, size);
    if (text) {
      for (let i = at; i < at + size; i++) out[i] = ((out[i] & 127) + 32) & 127;
    }
  }

  /**
   * The most bytes {@linkcode ProfileValueGenerator.generateInto} writes: the largest size of
   * a text or blob column, 16 for the other scalars, Infinity for a collection.
   */
  get maxLength(): number {
    if (this.#element !== null) return Infinity;
    const scalar = this.kind.scalar;
    return scalar === K.TEXT || scalar === K.BLOB ? this.#size.maxValue : 16;
  }

  /**
   * Generates the next value straight into `out` at `at`, as
   * {@linkcode ProfileValueGenerator.generate} would (the same draws and bytes; `buffer` is
   * left as it was for text and blob values).
   *
   * @param out Where the value goes: `maxLength` bytes from `at` must fit.
   * @param at The offset.
   * @returns The value's length.
   * @throws {RangeError} If `out` has no room for `maxLength` bytes from `at`.
   *
   * @example Usage
   * ```ts
   * import assert from "node:assert/strict";
   * import { ProfileValueGenerator } from "./profile_value_generator.ts";
   *
   * const gen = new ProfileValueGenerator({ name: "body", type: "blob" });
   * const out = new Uint8Array(2 + gen.maxLength);
   * gen.setSeed(0, 9);
   * const length = gen.generateInto(out, 2);
   * gen.setSeed(0, 9);
   * assert.deepEqual(out.subarray(2, 2 + length), gen.value());
   * ```
   */
  generateInto(out: Uint8Array, at: number): number {
    if (!(at >= 0 && at + this.maxLength <= out.length)) {
      throw new RangeError(
        `Cannot generate a value: "${
          out.length - at
        }" bytes left in the output, expected ${this.maxLength}`,
      );
    }
    const scalar = this.kind.scalar;
    if (this.#element === null && (scalar === K.TEXT || scalar === K.BLOB)) {
      const size = this.#charsSize(this.#identity.next());
      this.#charsInto(out, at, size, scalar === K.TEXT);
      return size;
    }
    const length = this.generate();
    const buffer = this.#buffer;
    for (let i = 0; i < length; i++) out[at + i] = buffer[i];
    return length;
  }

  /** `UUIDGen.getTimeUUID(ms, 0, salt)`: version 1, 100 ns ticks since 1582, node = salt. */
  #timeUuid(ms: number): number {
    const ticks = this.#scratch;
    ticks.setNumber(ms + UUID_EPOCH_OFFSET_MS);
    const product = ticks.low * 10000;
    const tLow = product >>> 0;
    const tHigh = (Math.imul(ticks.high, 10000) + Math.floor(product / TWO_POW_32)) | 0;
    const out = this.#ensure(16);
    this.#long(out, 0, tLow, ((tHigh & 0xffff) << 16) | (tHigh >>> 16) | 0x1000);
    this.#long(out, 8, this.#saltHigh, this.#saltLow);
    this.#length = 16;
    return 16;
  }

  /** `Lists`/`Sets`: `size` elements, each an int32 length and the element's bytes. */
  #generateCollection(element: ProfileValueGenerator): number {
    const count = this.#size.next() | 0;
    const isSet = this.kind.collection === K.SET;
    let written = 0;
    let at = 4;
    for (let i = 0; i < count; i++) {
      const length = element.generate();
      const bytes = element.buffer;
      if (isSet && this.#contains(at, bytes, length)) continue;
      const out = this.#ensure(at + 4 + length);
      this.#int(out, at, length);
      for (let j = 0; j < length; j++) out[at + 4 + j] = bytes[j];
      at += 4 + length;
      written++;
    }
    this.#int(this.#ensure(4), 0, written);
    this.#length = at;
    return at;
  }

  /** Whether the elements written so far (up to `end`) hold `bytes[0..length)`. */
  #contains(end: number, bytes: Uint8Array, length: number): boolean {
    const out = this.#buffer;
    for (let at = 4; at < end;) {
      const size = (out[at] << 24) | (out[at + 1] << 16) | (out[at + 2] << 8) | out[at + 3];
      if (size === length) {
        let j = 0;
        while (j < length && out[at + 4 + j] === bytes[j]) j++;
        if (j === length) return true;
      }
      at += 4 + size;
    }
    return false;
  }
}
