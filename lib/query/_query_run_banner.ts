/**
 * Private helper of `query_run.ts`: the lines printed before the first query, what the run
 * queries and how the rows are routed.
 *
 * @module
 */

import type { CommandIo } from "../cli/command_io.ts";
import type { Shard } from "../units/shard.ts";
import type { ServerProbe } from "./_query_run_probe.ts";
import type { QueryRunSettings } from "./_query_run_settings.ts";

/**
 * Prints the server and table, the shard (with `--shard`), the Workers, the input and the
 * routing.
 *
 * @param settings The run's settings.
 * @param run The server probe and this loader's shard.
 * @param io Where the lines go.
 */
export function printQueryRunBanner(
  settings: QueryRunSettings,
  run: { readonly probe: ServerProbe; readonly shard: Shard | null },
  io: CommandIo,
): void {
  io.out(`query: ${run.probe.description}, table ${settings.table}`);
  const shard = run.shard;
  if (shard !== null) {
    io.out(
      `shard ${shard.index}/${shard.count}: the rows of the hosts rendezvous hashing of the host name gives to this shard`,
    );
  }
  io.out(
    `workers: ${settings.workers}, input: ${
      settings.file === null ? "stdin" : `"${settings.file}"`
    }, routing: rendezvous hashing of the host (seed ${settings.seed})`,
  );
}
