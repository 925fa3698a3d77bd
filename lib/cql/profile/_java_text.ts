// Private helper: how cassandra-stress's Java prints what the profile block shows: a
// distribution's getConfigAsString() and a HashMap's iteration order.
import type { DistributionSpec } from "../../units/distribution_spec.ts";

function fixed6(value: number): string {
  return value.toFixed(6);
}

/** The shape parameter scale cassandra-stress derives for EXP and EXTREME. */
function edgeQuantile(min: number, max: number): number {
  return -Math.log(Math.sqrt(1 / (max - min)));
}

function describeBase(spec: DistributionSpec): string {
  switch (spec.kind) {
    case "fixed":
      return `Fixed:  key=${spec.value}`;
    case "uniform":
      return `Uniform:  min=${spec.min},max=${spec.max}`;
    case "gaussian":
      return `Gaussian:  min=${spec.min},max=${spec.max},mean=${fixed6(spec.mean)},stdev=${
        fixed6(spec.stdev)
      }`;
    case "exp": {
      const mean = (spec.max - spec.min) / edgeQuantile(spec.min, spec.max);
      return `Exponential:  min=${spec.min},max=${spec.max},mean=${fixed6(mean)}`;
    }
    case "extreme":
    case "qextreme": {
      const scale = (spec.max - spec.min) / edgeQuantile(spec.min, spec.max) ** (1 / spec.shape);
      return `Extreme:  min=${spec.min},max=${spec.max},shape=${fixed6(spec.shape)}, scale=${
        fixed6(scale)
      }`;
    }
    case "seq":
      return `Sequence:  start=${spec.min},end=${spec.max}`;
  }
}

/** A distribution as its Java factory's `getConfigAsString()` prints it (`Fixed:  key=1`). */
export function javaDistributionText(spec: DistributionSpec): string {
  return spec.inverted ? `Inverse: ${describeBase(spec)}` : describeBase(spec);
}

/** Java's `String.hashCode()`. */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The order a `java.util.HashMap<String, ...>` with default capacity iterates the keys put
 * in this order (duplicates keep their first place): by bucket, then by insertion. Buckets
 * that grow into trees (9+ colliding keys in a table of 64+) are not modelled.
 */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  const unique = [...new Set(keys)];
  const spread = unique.map((key) => {
    const hash = javaStringHash(key);
    return hash ^ (hash >>> 16);
  });
  let capacity = 16;
  unique.forEach((_, size) => {
    const bucket = spread[size] & (capacity - 1);
    const before = spread.slice(0, size).filter((h) => (h & (capacity - 1)) === bucket).length;
    if (before >= 8 && capacity < 64) capacity *= 2;
    if (size + 1 > capacity * 0.75) capacity *= 2;
  });
  return unique
    .map((key, i) => ({ key, i, bucket: spread[i] & (capacity - 1) }))
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((entry) => entry.key);
}
