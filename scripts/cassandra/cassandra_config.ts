/**
 * The files and flags a real Apache Cassandra 5.0 node needs to run from its Maven Central jars:
 * a minimal `cassandra.yaml` and the JVM options of Cassandra's `conf/jvm17-server.options`.
 * Pure: it builds text and argument lists, and touches nothing.
 *
 * @module
 */

/** What one node is configured with. */
export interface CassandraConfig {
  /** The node's directory: data, commit log, caches and hints go under it. */
  readonly dir: string;
  /** The native (CQL) port on 127.0.0.1. */
  readonly nativePort: number;
  /** The internode (storage) port on 127.0.0.1. */
  readonly storagePort: number;
  /** PasswordAuthenticator (the default superuser `cassandra`/`cassandra`) instead of none. */
  readonly auth: boolean;
  /** Client TLS, required on the native port: the PKCS12 key store and its password. */
  readonly tls: { readonly keystore: string; readonly password: string } | null;
}

/** The cluster name, as the recorded real runs show it. */
export const CLUSTER_NAME = "acceptance";

/**
 * The `cassandra.yaml` of a one-node cluster on 127.0.0.1.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cassandraYaml } from "./cassandra_config.ts";
 * const yaml = cassandraYaml({ dir: "/tmp/n", nativePort: 9043, storagePort: 7001, auth: true, tls: null });
 * assert.match(yaml, /native_transport_port: 9043/);
 * assert.match(yaml, /authenticator: PasswordAuthenticator/);
 * ```
 */
export function cassandraYaml(config: CassandraConfig): string {
  const { dir } = config;
  const lines = [
    `cluster_name: ${CLUSTER_NAME}`,
    "num_tokens: 16",
    "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
    "endpoint_snitch: SimpleSnitch",
    "commitlog_sync: periodic",
    "commitlog_sync_period: 10000ms",
    `data_file_directories: [${dir}/data]`,
    `commitlog_directory: ${dir}/commitlog`,
    `saved_caches_directory: ${dir}/saved_caches`,
    `hints_directory: ${dir}/hints`,
    `cdc_raw_directory: ${dir}/cdc_raw`,
    "seed_provider:",
    "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
    "    parameters:",
    `      - seeds: "127.0.0.1:${config.storagePort}"`,
    "listen_address: 127.0.0.1",
    "rpc_address: 127.0.0.1",
    `storage_port: ${config.storagePort}`,
    "start_native_transport: true",
    `native_transport_port: ${config.nativePort}`,
    `authenticator: ${config.auth ? "PasswordAuthenticator" : "AllowAllAuthenticator"}`,
    `authorizer: ${config.auth ? "CassandraAuthorizer" : "AllowAllAuthorizer"}`,
    // Small and quick: a test node, not a production one.
    "concurrent_compactors: 1",
    "auto_snapshot: false",
  ];
  if (config.tls !== null) {
    lines.push(
      "client_encryption_options:",
      "  enabled: true",
      "  optional: false",
      `  keystore: ${config.tls.keystore}`,
      `  keystore_password: ${config.tls.password}`,
      "  store_type: PKCS12",
      "  require_client_auth: false",
    );
  }
  return lines.join("\n") + "\n";
}

/** The JPMS flags of Cassandra 5.0's `conf/jvm17-server.options`. */
const JPMS_FLAGS: readonly string[] = [
  ...[
    "java.base/jdk.internal.misc",
    "java.management.rmi/com.sun.jmx.remote.internal.rmi",
    "java.rmi/sun.rmi.registry",
    "java.rmi/sun.rmi.server",
    "java.sql/java.sql",
    "java.base/java.lang.ref",
    "jdk.unsupported/sun.misc",
    "jdk.compiler/com.sun.tools.javac.file",
    "jdk.attach/sun.tools.attach",
  ].flatMap((name) => ["--add-exports", `${name}=ALL-UNNAMED`]),
  ...[
    "java.base/java.lang.module",
    "java.base/jdk.internal.loader",
    "java.base/jdk.internal.ref",
    "java.base/jdk.internal.reflect",
    "java.base/jdk.internal.math",
    "java.base/jdk.internal.module",
    "java.base/jdk.internal.util.jar",
    "jdk.management/com.sun.management.internal",
    "java.base/sun.nio.ch",
    "java.base/java.io",
    "java.base/java.lang.reflect",
    "jdk.compiler/com.sun.tools.javac",
    "java.base/java.lang",
    "java.base/java.util",
    "java.base/java.nio",
  ].flatMap((name) => ["--add-opens", `${name}=ALL-UNNAMED`]),
];

/**
 * The `java` arguments that start the node's `CassandraDaemon` in the foreground.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { cassandraJvmArgs } from "./cassandra_config.ts";
 * const args = cassandraJvmArgs({ dir: "/tmp/n", libDir: "/cache/lib", jammJar: "/cache/lib/jamm.jar", heapMb: 1024 });
 * assert.ok(args.includes("-Xmx1024m"));
 * assert.equal(args.at(-1), "org.apache.cassandra.service.CassandraDaemon");
 * ```
 */
export function cassandraJvmArgs(
  options: { dir: string; libDir: string; jammJar: string; heapMb: number },
): string[] {
  const { dir, heapMb } = options;
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    `-javaagent:${options.jammJar}`,
    "-XX:+UseG1GC",
    "-XX:+ParallelRefProcEnabled",
    "-XX:MaxTenuringThreshold=1",
    "-XX:G1HeapRegionSize=16m",
    "-XX:MaxGCPauseMillis=300",
    "-XX:InitiatingHeapOccupancyPercent=70",
    "-Djdk.attach.allowAttachSelf=true",
    ...JPMS_FLAGS,
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dio.netty.allocator.useCacheForAllThreads=true",
    "-Dio.netty.allocator.maxOrder=11",
    `-Dcassandra.config=file://${dir}/cassandra.yaml`,
    `-Dcassandra.storagedir=${dir}`,
    `-Dcassandra.logdir=${dir}/logs`,
    `-Dlogback.configurationFile=${dir}/logback.xml`,
    "-Dcassandra-foreground=yes",
    // One node: nothing to gossip with, so do not wait for it.
    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
    "-Dcassandra.ring_delay_ms=0",
    "-Dcassandra.superuser_setup_delay_ms=0",
    "-cp",
    `${options.libDir}/*`,
    "org.apache.cassandra.service.CassandraDaemon",
  ];
}

/**
 * A logback configuration that writes the node's INFO lines (and above) to standard output,
 * which the harness sends to `node.log` in the node's directory.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { logbackXml } from "./cassandra_config.ts";
 * assert.match(logbackXml(), /level="INFO"/);
 * ```
 */
export function logbackXml(): string {
  return [
    "<configuration>",
    '  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">',
    "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n</pattern></encoder>",
    "  </appender>",
    '  <root level="INFO"><appender-ref ref="OUT"/></root>',
    "</configuration>",
    "",
  ].join("\n");
}
