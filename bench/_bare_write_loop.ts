// The peer of bench/cs_write_vs_driver.ts: a bare cassandra-driver loop doing the prepared
// writes `stress write` does (10-byte key, five 34-byte blobs), C in flight, nothing measured
// per op. Prints one line: `ops=N seconds=S`.
//
//   deno run -A bench/_bare_write_loop.ts PORT N C
// deno-lint-ignore-file no-console
import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";

const [port, total, inFlight] = Deno.args.map(Number);
const client = new cassandra.Client({
  contactPoints: [`127.0.0.1:${port}`],
  localDataCenter: "datacenter1",
  keyspace: "keyspace1",
});
await client.connect();
const query = `UPDATE "standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`;
const t0 = performance.now();
let next = 0;
const lane = async (): Promise<void> => {
  while (next < total) {
    const i = next++;
    const key = Buffer.from(i.toString(16).padStart(10, "0"));
    const values = [0, 1, 2, 3, 4].map((c) => Buffer.alloc(34, (i + c) & 0xff));
    values.push(key);
    await client.execute(query, values, { prepare: true });
  }
};
await Promise.all(Array.from({ length: inFlight }, lane));
const seconds = (performance.now() - t0) / 1000;
await client.shutdown();
console.log(`ops=${total} seconds=${seconds.toFixed(3)}`);
