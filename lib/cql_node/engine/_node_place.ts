/**
 * Where a node stands in its ring, for replication warnings and consistency checks: its data
 * center and how many nodes of the ring are in each. Private to lib/cql_node.
 *
 * @module
 */

import type { NodeInfo } from "./system_tables.ts";
import type { NodePlace } from "./_replication.ts";

/**
 * The node's place: its data center, and a count of its ring's nodes (itself and its peers,
 * read when asked, so that peers set later count) in a data center, or in all of them for "".
 *
 * @param node What the node says about itself.
 * @returns Its place.
 */
export function nodePlaceOf(node: NodeInfo): NodePlace {
  return {
    datacenter: node.datacenter,
    nodesIn: (datacenter) => {
      let count = datacenter === "" || node.datacenter === datacenter ? 1 : 0;
      for (const peer of node.peers ?? []) {
        if (datacenter === "" || peer.datacenter === datacenter) count++;
      }
      return count;
    },
  };
}
