// Memory of the embedded CQL node holding N rows of the default cassandra-stress shape
// (10-byte key, five 34-byte blob columns = 180 data bytes per row). Each size runs in a
// fresh process that writes the rows through the node's prepared-statement path; the script
// prints peak RSS (VmHWM) and the overhead per row beyond the data, against an empty node.
//
//   deno run -A bench/cql_node_rss.ts [N=1000000]
// deno-lint-ignore-file no-console
import { CqlEngine } from "../lib/cql_node/engine/cql_engine.ts";

const DATA_BYTES_PER_ROW = 10 + 5 * 34;

function statusKb(field: string): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

if (Deno.args[0] === "--child") {
  const rows = Number(Deno.args[1]);
  const engine = new CqlEngine({
    node: {
      address: "127.0.0.1",
      port: 9042,
      clusterName: "bench",
      datacenter: "datacenter1",
      rack: "rack1",
      releaseVersion: "4.0.11",
      hostId: "8d3ec2b4-0f2c-4a43-9d35-4c5e3b9f1a22",
      tokens: ["0"],
    },
    clockMs: () => 0,
    randomBytes: (n) => new Uint8Array(n),
  });
  const session = {};
  const none = { values: [], pageSize: 0, pagingState: null };
  engine.query(
    `CREATE KEYSPACE keyspace1 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'}`,
    none,
    session,
  );
  engine.query(
    `CREATE TABLE keyspace1.standard1 (key blob PRIMARY KEY, "C0" blob, "C1" blob, "C2" blob, "C3" blob, "C4" blob)`,
    none,
    session,
  );
  const update = engine.prepare(
    `UPDATE keyspace1."standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`,
    session,
  );
  const values: Uint8Array[] = [0, 1, 2, 3, 4].map(() => new Uint8Array(34)).concat(
    new Uint8Array(10),
  );
  const key = values[5];
  const view = new DataView(key.buffer);
  for (let i = 0; i < rows; i++) {
    view.setUint32(0, i);
    view.setUint32(6, Math.imul(i, 0x9e3779b1));
    for (let c = 0; c < 5; c++) values[c].fill((i + c) & 0xff);
    update.run({ values, pageSize: 0, pagingState: null }, session);
  }
  // deno-lint-ignore no-explicit-any
  (globalThis as any).gc?.();
  console.log(JSON.stringify({ rssKb: statusKb("VmRSS"), hwmKb: statusKb("VmHWM") }));
} else {
  const rows = Number(Deno.args[0] ?? 1_000_000);
  const measure = async (n: number) => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--v8-flags=--expose-gc", import.meta.filename!, "--child", String(n)],
    }).output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
    return JSON.parse(new TextDecoder().decode(output.stdout)) as { rssKb: number; hwmKb: number };
  };
  const empty = await measure(0);
  const full = await measure(rows);
  const perRow = ((full.rssKb - empty.rssKb) * 1024) / rows;
  console.log(`rows:                 ${rows} (${DATA_BYTES_PER_ROW} data bytes each)`);
  console.log(
    `peak RSS:             ${(full.hwmKb / 1024).toFixed(1)} MB (empty node ${
      (empty.hwmKb / 1024).toFixed(1)
    } MB)`,
  );
  console.log(`RSS per row:          ${perRow.toFixed(0)} bytes`);
  console.log(
    `overhead beyond data: ${
      (perRow - DATA_BYTES_PER_ROW).toFixed(0)
    } bytes per row (target < 300)`,
  );
}
