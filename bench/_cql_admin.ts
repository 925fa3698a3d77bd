// Keyspace chores of bench/cql_peers.ts and scripts/cross_check.ts on a real node, over
// cassandra-driver: drop a keyspace, create cassandra-stress's default `standard1` table as
// cassandra-stress 3.19 creates it (key blob, C0..C4 blob, no compression, size-tiered
// compaction; NetworkTopologyStrategy with one replica in datacenter1), and read a node's
// release version.
import cassandra from "cassandra-driver";
import { quoteIdentifier } from "../lib/cql/driver/cql_target.ts";

/** A connection to one node for schema changes (long timeouts: DDL on a busy 2-core host). */
export class CqlAdmin {
  readonly #client: cassandra.Client;

  private constructor(client: cassandra.Client) {
    this.#client = client;
  }

  /**
   * Connects to `host:port` (data center `datacenter1`).
   *
   * @example Usage
   * ```ts ignore
   * const admin = await CqlAdmin.connect("127.0.0.1", 9042);
   * await admin.dropKeyspace("peers_x");
   * await admin.close();
   * ```
   */
  static async connect(host: string, port: number): Promise<CqlAdmin> {
    const client = new cassandra.Client({
      contactPoints: [`${host}:${port}`],
      localDataCenter: "datacenter1",
      socketOptions: { connectTimeout: 10_000, readTimeout: 120_000 },
    });
    await client.connect();
    return new CqlAdmin(client);
  }

  /** `release_version` of the node. */
  async version(): Promise<string> {
    const result = await this.#client.execute("SELECT release_version FROM system.local");
    return String(result.first()?.get("release_version"));
  }

  /** Drops the keyspace if it exists. */
  async dropKeyspace(keyspace: string): Promise<void> {
    await this.#client.execute(`DROP KEYSPACE IF EXISTS ${quoteIdentifier(keyspace)}`);
  }

  /** Creates the keyspace and its `standard1` table, as cassandra-stress does by default. */
  async createStandard1(keyspace: string): Promise<void> {
    const ks = quoteIdentifier(keyspace);
    await this.#client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ` +
        `{'class': 'NetworkTopologyStrategy', 'datacenter1': 1}`,
    );
    const columns = ["C0", "C1", "C2", "C3", "C4"].map((c) => `${quoteIdentifier(c)} blob`);
    await this.#client.execute(
      `CREATE TABLE IF NOT EXISTS ${ks}."standard1" (key blob PRIMARY KEY, ${columns.join(", ")})` +
        ` WITH compression = {'enabled': false}` +
        ` AND compaction = {'class': 'SizeTieredCompactionStrategy'}`,
    );
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#client.shutdown();
  }
}
