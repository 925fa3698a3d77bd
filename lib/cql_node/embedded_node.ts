/**
 * `-node embedded`: start the in-memory CQL node inside a cassandra-stress command; the
 * command then runs against it as against any cluster.
 *
 * @module
 */

import { CqlServer } from "./driver/cql_server.ts";
import type { StressSettings } from "../cql/options/stress_settings.ts";

/** The `-node` value that starts the embedded node in-process. */
export const EMBEDDED_NODE = "embedded";

/**
 * Whether the command line asks for the embedded node.
 *
 * @param settings The parsed settings.
 * @returns True for `-node embedded`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isEmbeddedNode } from "./embedded_node.ts";
 * import { parseStressArgs } from "../cql/options/parse_stress_args.ts";
 * assert.equal(isEmbeddedNode(parseStressArgs(["write", "-node", "embedded"])), true);
 * ```
 */
export function isEmbeddedNode(settings: StressSettings): boolean {
  const hosts = settings.node.hosts;
  return hosts.length === 1 && hosts[0].toLowerCase() === EMBEDDED_NODE;
}

/**
 * Starts the embedded node on a free loopback port.
 *
 * @returns The node.
 */
export function startEmbeddedNode(): Promise<CqlServer> {
  return CqlServer.start({ hostname: "127.0.0.1", port: 0 });
}
