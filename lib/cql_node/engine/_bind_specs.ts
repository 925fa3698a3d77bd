// The bind marker specs a PREPARED answer lists, for one statement and for a BATCH.
import type { BindCollector, BindSpec } from "./_bind.ts";

const BLOB = { kind: "native", name: "blob" } as const;

/** The spec of each marker; a marker nothing typed is a blob named after it. */
export function bindSpecs(binds: BindCollector, names: (string | undefined)[]): BindSpec[] {
  return names.map((name, i) =>
    binds.specs[i] ??
      { keyspace: binds.keyspace, table: binds.table, name: name ?? `[${i}]`, type: BLOB }
  );
}

/** The spec of each marker of a BATCH: the first statement's that types it, else a blob. */
export function batchBindSpecs(
  children: { binds: BindCollector }[],
  names: (string | undefined)[],
): BindSpec[] {
  return names.map((name, i) => {
    for (const child of children) {
      const spec = child.binds.specs[i];
      if (spec) return spec;
    }
    return { keyspace: "", table: "", name: name ?? `[${i}]`, type: BLOB };
  });
}
