// The host_id a node answers with when none is given: derived from its address, port and seed,
// so a node restarted on the same address keeps its host_id, as a Cassandra node keeps it on
// disk. Drivers key their hosts by host_id: gocql, seeing a new one at the old address after a
// restart, removes the old host after adding the new one and is left with no host to query.
import { murmur3PartitionToken } from "../../core/murmur3_token.ts";

/**
 * A version 4 UUID that depends only on `address`, `port` and `seed`.
 *
 * @param address The node's bound address.
 * @param port The node's bound port.
 * @param seed The node's seed.
 * @returns The UUID in its 8-4-4-4-12 text form.
 */
export function hostIdOf(address: string, port: number, seed: number): string {
  const text = `${address}:${port}/${seed}`;
  const encoder = new TextEncoder();
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setBigInt64(0, murmur3PartitionToken(encoder.encode(`${text}/high`)));
  view.setBigInt64(8, murmur3PartitionToken(encoder.encode(`${text}/low`)));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)]
    .join("-");
}
