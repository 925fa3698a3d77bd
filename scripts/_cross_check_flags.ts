// The flags of scripts/cross_check.ts and scripts/cross_check_user.ts: `--cassandra-stress PATH`
// (required), `--node H` (loopback only), `--port P` (none: start a node), `--n N`, `--threads T`.
import { parseArgs } from "node:util";
import { isLoopbackHost } from "../bench/_peer_node.ts";

/** The parsed flags. */
export interface CrossCheckFlags {
  cassandraStress: string;
  node: string;
  port: number | null;
  n: number;
  threads: number;
}

function positiveInt(name: string, text: string): number {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new TypeError(`--${name} is "${text}", expected a whole number >= 1`);
  }
  return Number(text);
}

/**
 * Parses the flags.
 *
 * @param args The command line.
 * @param defaults The default `--n` and `--threads`.
 * @returns The flags.
 * @throws {TypeError} For a missing or bad flag.
 */
export function parseCrossCheckFlags(
  args: string[],
  defaults: { n: number; threads: number },
): CrossCheckFlags {
  const { values } = parseArgs({
    args,
    options: {
      "cassandra-stress": { type: "string" },
      node: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      n: { type: "string", default: String(defaults.n) },
      threads: { type: "string", default: String(defaults.threads) },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values["cassandra-stress"] === undefined) {
    throw new TypeError("--cassandra-stress PATH is required");
  }
  if (!isLoopbackHost(values.node)) {
    throw new TypeError(`--node is "${values.node}": loopback only`);
  }
  return {
    cassandraStress: values["cassandra-stress"],
    node: values.node,
    port: values.port === undefined ? null : positiveInt("port", values.port),
    n: positiveInt("n", values.n),
    threads: positiveInt("threads", values.threads),
  };
}
