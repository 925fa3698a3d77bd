// Where Cassandra places a token range's replicas: a keyspace's replication map read into a
// strategy, and the walk clockwise round the ring that each strategy makes from the range's
// primary token (SimpleStrategy, NetworkTopologyStrategy as Cassandra 4.0+ does it, and every
// host for LocalStrategy and EverywhereStrategy). Private to lib/cql/native.

/** A keyspace's replication, read from its replication map. */
export type Placement =
  | { kind: "simple"; factor: number }
  | { kind: "network"; factors: ReadonlyMap<string, number> }
  | { kind: "everywhere" }
  | { kind: "primary" };

/** The ring's tokens in order, the host at each, and each host's data center and rack. */
export interface RingLayout {
  /** The host index of each ring position (tokens sorted ascending). */
  readonly hostAt: Int32Array;
  /** Each host's data center, by host index. */
  readonly datacenterOf: readonly string[];
  /** Each host's rack as a number unique over (data center, rack), by host index. */
  readonly rackOf: Int32Array;
  /** The number of distinct racks. */
  readonly rackCount: number;
}

/** A replication factor as a number: `3`, and `3/1` (transient replicas) as 3 in all. */
function factorOf(text: string | undefined): number {
  const value = Number.parseInt(text ?? "", 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Reads a keyspace's replication map (as system_schema.keyspaces holds it: `class` short or
 * fully qualified, factors as strings). An unknown strategy places the primary replica only, as
 * cassandra-driver does.
 */
export function placementOf(replication: Readonly<Record<string, string>>): Placement {
  const strategy = replication["class"] ?? "";
  if (/(^|\.)SimpleStrategy$/.test(strategy)) {
    return { kind: "simple", factor: factorOf(replication["replication_factor"]) };
  }
  if (/(^|\.)NetworkTopologyStrategy$/.test(strategy)) {
    const factors = new Map<string, number>();
    for (const [name, value] of Object.entries(replication)) {
      if (name !== "class" && name !== "replication_factor") factors.set(name, factorOf(value));
    }
    return { kind: "network", factors };
  }
  if (/(^|\.)(LocalStrategy|EverywhereStrategy)$/.test(strategy)) return { kind: "everywhere" };
  return { kind: "primary" };
}

/** The number of distinct hosts in the ring, overall and per data center. */
function hostCounts(ring: RingLayout): { all: number; byDc: Map<string, number> } {
  const seen = new Set<number>();
  const byDc = new Map<string, number>();
  for (const host of ring.hostAt) {
    if (seen.has(host)) continue;
    seen.add(host);
    const dc = ring.datacenterOf[host];
    byDc.set(dc, (byDc.get(dc) ?? 0) + 1);
  }
  return { all: seen.size, byDc };
}

/** The number of distinct racks of the ring's hosts per data center. */
function rackCounts(ring: RingLayout): Map<string, number> {
  const seen = new Set<number>();
  const byDc = new Map<string, number>();
  for (const host of ring.hostAt) {
    const rack = ring.rackOf[host];
    if (seen.has(rack)) continue;
    seen.add(rack);
    const dc = ring.datacenterOf[host];
    byDc.set(dc, (byDc.get(dc) ?? 0) + 1);
  }
  return byDc;
}

/** Distinct hosts clockwise from `start`, until `limit` are found or the ring ends. */
function walkDistinct(ring: RingLayout, start: number, limit: number, out: number[]): void {
  const n = ring.hostAt.length;
  for (let k = 0; k < n && out.length < limit; k++) {
    const host = ring.hostAt[(start + k) % n];
    if (!out.includes(host)) out.push(host);
  }
}

/** What NetworkTopologyStrategy still needs from one data center for one range. */
interface DcNeed {
  /** Replicas still to place. */
  left: number;
  /** Hosts that may still be taken from a rack already used. */
  rackRepeats: number;
}

/**
 * NetworkTopologyStrategy's walk (Cassandra 4.0+): clockwise from `start`, a host of a data
 * center still short of replicas is taken when its rack is new to that data center, or while
 * the data center may still repeat racks (its factor minus its rack count); a data center is done
 * at min(factor, its host count) replicas. Replicas come out in the order they were taken.
 */
function walkNetwork(
  ring: RingLayout,
  start: number,
  needs: Map<string, DcNeed>,
  out: number[],
): void {
  const n = ring.hostAt.length;
  const racksSeen = new Set<number>();
  let dcsToFill = 0;
  for (const need of needs.values()) if (need.left > 0) dcsToFill++;
  for (let k = 0; k < n && dcsToFill > 0; k++) {
    const host = ring.hostAt[(start + k) % n];
    const need = needs.get(ring.datacenterOf[host]);
    if (need === undefined || need.left === 0) continue;
    const rack = ring.rackOf[host];
    if (!racksSeen.has(rack)) racksSeen.add(rack);
    else if (need.rackRepeats <= 0 || out.includes(host)) continue;
    else need.rackRepeats--;
    out.push(host);
    if (--need.left === 0) dcsToFill--;
  }
}

/**
 * The replicas (host indexes) of every ring position's range, the primary first: for position
 * `p`, the hosts `hosts.subarray(offsets[p], offsets[p + 1])`.
 */
export function placeReplicas(
  ring: RingLayout,
  placement: Placement,
): { offsets: Int32Array; hosts: Int32Array } {
  const n = ring.hostAt.length;
  const counts = hostCounts(ring);
  const racks = placement.kind === "network" ? rackCounts(ring) : new Map<string, number>();
  const offsets = new Int32Array(n + 1);
  const all: number[] = [];
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    out.length = 0;
    if (placement.kind === "simple") walkDistinct(ring, p, placement.factor, out);
    else if (placement.kind === "everywhere") walkDistinct(ring, p, counts.all, out);
    else if (placement.kind === "primary") out.push(ring.hostAt[p]);
    else {
      const needs = new Map<string, DcNeed>();
      for (const [dc, factor] of placement.factors) {
        const hostsInDc = counts.byDc.get(dc) ?? 0;
        if (factor <= 0 || hostsInDc === 0) continue;
        needs.set(dc, {
          left: Math.min(factor, hostsInDc),
          rackRepeats: factor - (racks.get(dc) ?? 0),
        });
      }
      walkNetwork(ring, p, needs, out);
    }
    for (const host of out) all.push(host);
    offsets[p + 1] = all.length;
  }
  return { offsets, hosts: Int32Array.from(all) };
}
