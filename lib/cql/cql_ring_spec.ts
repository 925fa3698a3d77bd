/**
 * The token ring the Workers route by (structured-cloneable): the hosts the control connection
 * found, with the native port each listens on, and the keyspace's replication map. Read once on
 * the main thread after the schema exists (`driver/ring_of.ts`), sent with the target.
 *
 * @module
 */

import type { RingHost } from "./native/token_map.ts";

/** A host of the ring and where it takes CQL connections. */
export interface CqlRingHostSpec extends RingHost {
  /** The native protocol port. */
  readonly port: number;
}

/** The ring and the keyspace's replication. */
export interface CqlRingSpec {
  /** Every host the control connection knows, in its order. */
  readonly hosts: readonly CqlRingHostSpec[];
  /** The keyspace's replication map (`class` and its options, as strings). */
  readonly replication: Readonly<Record<string, string>>;
}
