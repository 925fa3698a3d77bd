/**
 * The vectors printed by cassandra-stress's own generator classes (see the file's `source`)
 * and small helpers to compare with them.
 *
 * @module
 */

/** One column of a vector table, its distributions as c-s strings (null: the default). */
export interface VectorColumn {
  name: string;
  type: string;
  population: string | null;
  size: string | null;
  cluster: string | null;
}

/** Successive values of one type's generator after `setSeed(seed)`. */
export interface TypeVectors {
  type: string;
  column: string;
  population: string | null;
  size: string | null;
  cases: { seed: string; values: string[] }[];
}

/** Every row of a partition, read back through c-s's `PartitionIterator`. */
export interface PartitionVectors {
  name: string;
  order: "ARBITRARY" | "SORTED";
  rowPopulation: number;
  partitionKey: VectorColumn[];
  clustering: VectorColumn[];
  values: VectorColumn[];
  /** Each row: the clustering values then the value columns, hex or null. */
  cases: { seed: string; key: string[]; rows: (string | null)[][] }[];
}

/** The vector file. */
export const VECTORS: { source: string; types: TypeVectors[]; partitions: PartitionVectors[] } =
  JSON.parse(
    await Deno.readTextFile(new URL("../../testdata/cs_profile_vectors.json", import.meta.url)),
  );

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A decimal Java long as its two 32-bit words. */
export function words(seed: string): [number, number] {
  const value = BigInt.asUintN(64, BigInt(seed));
  return [Number(BigInt.asIntN(32, value >> 32n)), Number(value & 0xffffffffn)];
}
