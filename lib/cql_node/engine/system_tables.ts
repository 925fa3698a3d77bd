/**
 * The system tables drivers read: system.local, system.peers(_v2) (the other nodes of the node's
 * ring) and system_schema.*, rebuilt from the schema after every change.
 *
 * @module
 */

import { type CqlType, formatCqlType, parseCqlType } from "../values/cql_type.ts";
import { encodeValue } from "../values/cql_value.ts";
import type { KeyspaceSchema, Schema, TableSchema } from "./schema.ts";
import { buildTable, compactionOf, compressionOf } from "./_ddl.ts";
import { encodePartitionKey } from "./_keys.ts";

/** What the node says about itself in system.local. */
export interface NodeInfo {
  /** The address clients connect to (rpc_address, broadcast_address, listen_address). */
  address: string;
  /** The native port. */
  port: number;
  /** cluster_name. */
  clusterName: string;
  /** data_center. */
  datacenter: string;
  /** rack. */
  rack: string;
  /** release_version. */
  releaseVersion: string;
  /** host_id (a UUID). */
  hostId: string;
  /** The node's tokens (Murmur3 partitioner). */
  tokens: string[];
  /** gossip_generation: the node's start time in seconds since the epoch. @default 1 */
  gossipGeneration?: number;
  /**
   * The other nodes of its ring, listed in system.peers and system.peers_v2 (their
   * schema_version is the node's own: the nodes of a ring change their schemas together).
   * @default []
   */
  peers?: readonly PeerInfo[];
}

/** What a node says about another node of its ring in system.peers and system.peers_v2. */
export interface PeerInfo {
  /** The peer's address (peer, rpc_address, native_address). */
  address: string;
  /** Its native port (native_port in system.peers_v2). */
  port: number;
  /** data_center. */
  datacenter: string;
  /** rack. */
  rack: string;
  /** release_version. */
  releaseVersion: string;
  /** host_id (a UUID). */
  hostId: string;
  /** Its tokens (Murmur3 partitioner). */
  tokens: string[];
}

/** The CQL version of Cassandra 5.0. */
const CQL_VERSION = "3.4.7";

const TABLES: Record<string, Record<string, [string, string[], string[]]>> = {
  system: {
    local: [
      "key text, bootstrapped text, broadcast_address inet, broadcast_port int, cluster_name text, " +
      "cql_version text, data_center text, gossip_generation int, host_id uuid, " +
      "listen_address inet, listen_port int, native_protocol_version text, partitioner text, " +
      "rack text, release_version text, rpc_address inet, rpc_port int, schema_version uuid, " +
      "tokens set<text>, truncated_at map<uuid, blob>",
      ["key"],
      [],
    ],
    peers: [
      "peer inet, data_center text, host_id uuid, preferred_ip inet, rack text, " +
      "release_version text, rpc_address inet, schema_version uuid, tokens set<text>",
      ["peer"],
      [],
    ],
    peers_v2: [
      "peer inet, peer_port int, data_center text, host_id uuid, native_address inet, " +
      "native_port int, preferred_ip inet, preferred_port int, rack text, release_version text, " +
      "schema_version uuid, tokens set<text>",
      ["peer"],
      ["peer_port"],
    ],
  },
  "system_schema": {
    keyspaces: [
      "keyspace_name text, durable_writes boolean, replication frozen<map<text, text>>",
      ["keyspace_name"],
      [],
    ],
    tables: [
      "keyspace_name text, table_name text, additional_write_policy text, " +
      "allow_auto_snapshot boolean, bloom_filter_fp_chance double, " +
      "caching frozen<map<text, text>>, cdc boolean, comment text, " +
      "compaction frozen<map<text, text>>, compression frozen<map<text, text>>, " +
      "crc_check_chance double, dclocal_read_repair_chance double, default_time_to_live int, " +
      "extensions frozen<map<text, blob>>, flags frozen<set<text>>, gc_grace_seconds int, " +
      "id uuid, incremental_backups boolean, max_index_interval int, memtable text, " +
      "memtable_flush_period_in_ms int, min_index_interval int, read_repair text, " +
      "read_repair_chance double, speculative_retry text",
      ["keyspace_name"],
      ["table_name"],
    ],
    columns: [
      "keyspace_name text, table_name text, column_name text, clustering_order text, " +
      "column_name_bytes blob, kind text, position int, type text",
      ["keyspace_name"],
      ["table_name", "column_name"],
    ],
    dropped_columns: [
      "keyspace_name text, table_name text, column_name text, dropped_time timestamp, " +
      "kind text, type text",
      ["keyspace_name"],
      ["table_name", "column_name"],
    ],
    triggers: [
      "keyspace_name text, table_name text, trigger_name text, options frozen<map<text, text>>",
      ["keyspace_name"],
      ["table_name", "trigger_name"],
    ],
    views: [
      "keyspace_name text, view_name text, base_table_id uuid, base_table_name text, " +
      "bloom_filter_fp_chance double, caching frozen<map<text, text>>, cdc boolean, " +
      "comment text, compaction frozen<map<text, text>>, " +
      "compression frozen<map<text, text>>, crc_check_chance double, " +
      "dclocal_read_repair_chance double, default_time_to_live int, " +
      "extensions frozen<map<text, blob>>, gc_grace_seconds int, id uuid, " +
      "include_all_columns boolean, max_index_interval int, memtable_flush_period_in_ms int, " +
      "min_index_interval int, read_repair_chance double, speculative_retry text, " +
      "where_clause text",
      ["keyspace_name"],
      ["view_name"],
    ],
    types: [
      "keyspace_name text, type_name text, field_names frozen<list<text>>, " +
      "field_types frozen<list<text>>",
      ["keyspace_name"],
      ["type_name"],
    ],
    functions: [
      "keyspace_name text, function_name text, argument_types frozen<list<text>>, " +
      "argument_names frozen<list<text>>, body text, called_on_null_input boolean, " +
      "language text, return_type text",
      ["keyspace_name"],
      ["function_name", "argument_types"],
    ],
    aggregates: [
      "keyspace_name text, aggregate_name text, argument_types frozen<list<text>>, " +
      "final_func text, initcond text, return_type text, state_func text, state_type text",
      ["keyspace_name"],
      ["aggregate_name", "argument_types"],
    ],
    indexes: [
      "keyspace_name text, table_name text, index_name text, kind text, " +
      "options frozen<map<text, text>>",
      ["keyspace_name"],
      ["table_name", "index_name"],
    ],
  },
};

/**
 * Whether a keyspace is one of the node's own (`system`, `system_schema`): users may read it but
 * not change it.
 *
 * @param name The keyspace name.
 * @returns Whether it is a system keyspace of this node.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSystemKeyspace } from "./system_tables.ts";
 * assert.equal(isSystemKeyspace("system_schema"), true);
 * assert.equal(isSystemKeyspace("system_foo"), false);
 * ```
 */
export function isSystemKeyspace(name: string): boolean {
  return Object.hasOwn(TABLES, name);
}

function splitColumns(text: string): { name: string; type: CqlType }[] {
  const out: { name: string; type: CqlType }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === "<") depth++;
    else if (ch === ">") depth--;
    else if ((ch === "," && depth === 0) || i === text.length) {
      const part = text.slice(start, i).trim();
      const space = part.indexOf(" ");
      out.push({ name: part.slice(0, space), type: parseCqlType(part.slice(space + 1)) });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Adds the system keyspaces and their tables to a schema.
 *
 * @param schema The schema.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Schema } from "./schema.ts";
 * import { addSystemKeyspaces } from "./system_tables.ts";
 * const schema = new Schema(1n);
 * addSystemKeyspaces(schema);
 * assert.ok(schema.keyspaces.get("system")!.tables.has("local"));
 * ```
 */
export function addSystemKeyspaces(schema: Schema): void {
  for (const [keyspaceName, tables] of Object.entries(TABLES)) {
    const keyspace: KeyspaceSchema = {
      name: keyspaceName,
      replication: { class: "org.apache.cassandra.locator.LocalStrategy" },
      durableWrites: true,
      tables: new Map(),
      system: true,
    };
    for (const [name, [columns, partitionKey, clustering]] of Object.entries(tables)) {
      keyspace.tables.set(
        name,
        buildTable(keyspaceName, name, schema.newUuid(), {
          columns: splitColumns(columns),
          partitionKey,
          clustering,
        }),
      );
    }
    schema.keyspaces.set(keyspaceName, keyspace);
  }
}

function put(table: TableSchema, values: Record<string, unknown>): void {
  const encode = (name: string) => {
    const col = table.byName.get(name)!;
    const value = values[name];
    return value === undefined || value === null ? null : encodeValue(col.type, value);
  };
  const key = encodePartitionKey(table.partitionKey.map((c) => encode(c.name)!));
  const clustering = table.clustering.map((c) => encode(c.name)!);
  const cells = table.cells.map((c) => encode(c.name));
  table.store.update(key, clustering, () => ({ marker: true, cells }));
}

function optionMap(value: unknown): Record<string, string> {
  if (value && typeof value === "object") return value as Record<string, string>;
  return {};
}

/** How many decimals Cassandra prints of a percentile or a time (`#.####`). */
function shortNumber(text: string): string {
  return String(Number(Number(text).toFixed(4)));
}

/**
 * A speculative retry or additional write policy as Cassandra 5.0 stores it: `99PERCENTILE` and
 * `99p` as `99p`, `10MS` as `10ms`, `always`/`none` upper-cased.
 */
function retryPolicy(value: unknown): string {
  const text = typeof value === "string" ? value.trim() : "99p";
  const percentile = /^(\d+(?:\.\d+)?)\s*(?:percentile|p)$/i.exec(text);
  if (percentile) return `${shortNumber(percentile[1])}p`;
  const ms = /^(\d+(?:\.\d+)?)\s*ms$/i.exec(text);
  if (ms) return `${shortNumber(ms[1])}ms`;
  const upper = text.toUpperCase();
  return upper === "ALWAYS" || upper === "NONE" ? upper : text;
}

/** The caching map with both sub-options, as Cassandra stores it. */
function cachingOf(given: Record<string, string>): Record<string, string> {
  return {
    keys: (given["keys"] ?? "ALL").toUpperCase(),
    rows_per_partition: (given["rows_per_partition"] ?? "NONE").toUpperCase(),
  };
}

function tableRow(table: TableSchema): Record<string, unknown> {
  const o = table.options;
  const num = (name: string, fallback: number) =>
    typeof o[name] === "number" ? o[name] : Number(o[name] ?? fallback);
  return {
    keyspace_name: table.keyspace,
    table_name: table.name,
    additional_write_policy: retryPolicy(o["additional_write_policy"]),
    bloom_filter_fp_chance: num("bloom_filter_fp_chance", 0.01),
    caching: cachingOf(optionMap(o["caching"])),
    cdc: o["cdc"] === true || o["cdc"] === "true" ? true : null,
    comment: typeof o["comment"] === "string" ? o["comment"] : "",
    compaction: compactionOf(o),
    compression: compressionOf(o),
    crc_check_chance: num("crc_check_chance", 1),
    dclocal_read_repair_chance: 0,
    default_time_to_live: num("default_time_to_live", 0),
    extensions: new Map(),
    flags: table.isCounter ? ["compound", "counter"] : ["compound"],
    gc_grace_seconds: num("gc_grace_seconds", 864000),
    id: table.id,
    max_index_interval: 2048,
    memtable_flush_period_in_ms: 0,
    min_index_interval: 128,
    read_repair: "BLOCKING",
    read_repair_chance: 0,
    speculative_retry: retryPolicy(o["speculative_retry"]),
  };
}

/** Rewrites system.peers and system.peers_v2: one row per peer. */
function refreshPeers(schema: Schema, peers: readonly PeerInfo[]): void {
  const system = schema.keyspaces.get("system")!.tables;
  const v1 = system.get("peers")!;
  const v2 = system.get("peers_v2")!;
  v1.store.truncate();
  v2.store.truncate();
  for (const peer of peers) {
    const common = {
      peer: peer.address,
      "data_center": peer.datacenter,
      "host_id": peer.hostId,
      rack: peer.rack,
      "release_version": peer.releaseVersion,
      "schema_version": schema.version,
      tokens: peer.tokens,
    };
    put(v1, { ...common, rpc_address: peer.address });
    put(v2, {
      ...common,
      peer_port: 7000,
      native_address: peer.address,
      native_port: peer.port,
    });
  }
}

/**
 * Rewrites system.local, system.peers(_v2) and system_schema.* (keyspaces, tables, columns,
 * indexes) from the schema (call after every schema change, and when the peers change).
 *
 * @param schema The schema.
 * @param node What the node says about itself.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { Schema } from "./schema.ts";
 * import { addSystemKeyspaces, refreshSystemTables } from "./system_tables.ts";
 * const schema = new Schema(1n);
 * addSystemKeyspaces(schema);
 * refreshSystemTables(schema, {
 *   address: "127.0.0.1", port: 9042, clusterName: "c", datacenter: "datacenter1",
 *   rack: "rack1", releaseVersion: "4.0.11", hostId: schema.newUuid(), tokens: ["0"],
 *   peers: [{
 *     address: "127.0.0.2", port: 9042, datacenter: "datacenter1", rack: "rack1",
 *     releaseVersion: "4.0.11", hostId: schema.newUuid(), tokens: ["100"],
 *   }],
 * });
 * const system = schema.keyspaces.get("system")!.tables;
 * assert.equal(system.get("local")!.store.rowCount, 1);
 * assert.equal(system.get("peers")!.store.rowCount, 1);
 * assert.equal(system.get("peers_v2")!.store.rowCount, 1);
 * ```
 */
export function refreshSystemTables(schema: Schema, node: NodeInfo): void {
  const system = schema.keyspaces.get("system")!.tables;
  const local = system.get("local")!;
  local.store.truncate();
  put(local, {
    key: "local",
    bootstrapped: "COMPLETED",
    broadcast_address: node.address,
    broadcast_port: 7000,
    cluster_name: node.clusterName,
    cql_version: CQL_VERSION,
    data_center: node.datacenter,
    gossip_generation: node.gossipGeneration ?? 1,
    host_id: node.hostId,
    listen_address: node.address,
    listen_port: 7000,
    native_protocol_version: "4",
    partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
    rack: node.rack,
    release_version: node.releaseVersion,
    rpc_address: node.address,
    rpc_port: node.port,
    schema_version: schema.version,
    tokens: node.tokens,
  });
  refreshPeers(schema, node.peers ?? []);
  const tables = schema.keyspaces.get("system_schema")!.tables;
  for (const table of tables.values()) table.store.truncate();
  for (const keyspace of schema.keyspaces.values()) {
    put(tables.get("keyspaces")!, {
      keyspace_name: keyspace.name,
      durable_writes: keyspace.durableWrites,
      replication: keyspace.replication,
    });
    for (const table of keyspace.tables.values()) {
      put(tables.get("tables")!, tableRow(table));
      for (const col of table.columns) {
        put(tables.get("columns")!, {
          keyspace_name: keyspace.name,
          table_name: table.name,
          column_name: col.name,
          clustering_order: col.order,
          column_name_bytes: new TextEncoder().encode(col.name),
          kind: col.kind,
          position: col.position,
          type: formatCqlType(col.type),
        });
      }
      for (const index of table.indexes) {
        put(tables.get("indexes")!, {
          keyspace_name: keyspace.name,
          table_name: table.name,
          index_name: index.name,
          kind: "COMPOSITES",
          options: { target: index.target },
        });
      }
    }
  }
}
