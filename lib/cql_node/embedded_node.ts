/**
 * `-node embedded`: the in-memory CQL node started inside a cassandra-stress command, which then
 * runs against it as against any cluster. main.ts hands {@linkcode startEmbeddedNode} to the
 * `cql` wing, which does not import this one.
 *
 * @module
 */

import { CqlServer } from "./driver/cql_server.ts";

/**
 * Starts the embedded node on a free loopback port.
 *
 * @returns The node; `close()` stops it.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEmbeddedNode } from "./embedded_node.ts";
 * const node = await startEmbeddedNode();
 * assert.ok(node.port > 0);
 * await node.close();
 * ```
 */
export function startEmbeddedNode(): Promise<CqlServer> {
  return CqlServer.start({ hostname: "127.0.0.1", port: 0 });
}
