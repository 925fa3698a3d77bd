/**
 * How a Worker connects to a CQL cluster: contact points, credentials, TLS, pooling, timeouts
 * and consistency (structured-cloneable). Shared by the predefined commands' target and the
 * `user` profiles' target.
 *
 * @module
 */

/** Client TLS material, as PEM text (from `-transport truststore=`/`keystore=`). */
export interface CqlTlsSpec {
  /** CA certificates the server certificate must chain to, or null for the system store. */
  readonly caPem: string | null;
  /** The client certificate chain, or null (no client authentication). */
  readonly certPem: string | null;
  /** The client private key, or null. */
  readonly keyPem: string | null;
  /** Check that the server certificate names the host (`hostname-verification=true`). */
  readonly checkHostname: boolean;
  /** Allowed cipher suites (OpenSSL names, colon-separated), or null for the defaults. */
  readonly ciphers: string | null;
}

/** The newest protocol version `cassandra-driver` speaks (the native path speaks v5 too). */
export const DRIVER_MAX_PROTOCOL = 4;

/**
 * How a Worker connects to the cluster and sends its statements: the part of a CQL target the
 * predefined commands and the `user` profiles share (structured-cloneable).
 */
export interface CqlConnectionSpec {
  /** Contact points: host names or addresses, optionally `host:port`. */
  readonly contactPoints: readonly string[];
  /** The native protocol port (`-port native=`). */
  readonly port: number;
  /** The local data center (`-node datacenter=`, else the first contact point's). */
  readonly localDataCenter: string;
  /**
   * The fork's `-node loadbalance=` as it applies (`auto` resolved): every data center's hosts
   * (`ROUND_ROBIN`), the local data center's (`DC_AWARE`, the default), or those with the local
   * rack's replicas first (`RACK_AWARE`). Always token-aware.
   */
  readonly loadBalance?: "ROUND_ROBIN" | "DC_AWARE" | "RACK_AWARE";
  /** The local rack (`-node rack=`, else the first contact point's) for `RACK_AWARE`, or null. */
  readonly localRack?: string | null;
  /** `ip:port` of the only hosts to use (`-node whitelist`), or null. */
  readonly allowList: readonly string[] | null;
  /** The keyspace of the stress tables. */
  readonly keyspace: string;
  /** Prepared statements (true) or plain QUERY messages. */
  readonly prepared: boolean;
  /** Consistency level name, e.g. `LOCAL_ONE`. */
  readonly consistency: string;
  /** Serial consistency level name, `SERIAL` or `LOCAL_SERIAL`. */
  readonly serialConsistency: string;
  /** Connections per host of this client. */
  readonly connectionsPerHost: number;
  /** Requests in flight per connection, or null for the driver default. */
  readonly maxPending: number | null;
  /** The highest protocol version to negotiate, or null for the driver's newest. */
  readonly protocolVersion: number | null;
  /** PasswordAuthenticator credentials, or null. */
  readonly credentials: { readonly user: string; readonly password: string } | null;
  /** Per-request timeout in milliseconds. */
  readonly requestTimeoutMs: number;
  /** Connection timeout in milliseconds. */
  readonly connectTimeoutMs: number;
  /** Client TLS, or null for plain TCP. */
  readonly tls: CqlTlsSpec | null;
  /**
   * Frame compression (`-mode compression=`): the native path sends lz4; snappy, and either on
   * cassandra-driver, go uncompressed (with a warning).
   */
  readonly compression: "none" | "lz4" | "snappy";
}
