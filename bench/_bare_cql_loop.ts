// The bare-driver side of bench/cql_peers.ts: a plain cassandra-driver loop doing what
// `stress write` / `stress read` do on cassandra-stress's default table (prepared UPDATE of a
// 10-byte key and five 34-byte blobs C0..C4, or prepared SELECT of C0..C4 by key), keys 0..N-1 in
// order, C in flight, one client. Each op's latency goes into a preallocated array; nothing else
// happens per op. A read that returns no row counts as missing (no value check: the loop is the
// floor, not a validator). A failed request is retried at once, up to 10 tries in all as
// cassandra-stress does by default (its latency then spans the tries); an op that fails all 10
// counts as failed. Prints one JSON line:
// `{"ops":N,"seconds":S,"p50Ms":x,"p99Ms":y,"missing":M,"errors":E,"failed":F,"firstError":"..."}`.
//
//   deno run -A bench/_bare_cql_loop.ts HOST PORT KEYSPACE write|read N C
// deno-lint-ignore-file no-console
import { Buffer } from "node:buffer";
import cassandra from "cassandra-driver";

const WRITE = `UPDATE "standard1" SET "C0" = ?,"C1" = ?,"C2" = ?,"C3" = ?,"C4" = ? WHERE KEY=?`;
const READ = `SELECT "C0","C1","C2","C3","C4" FROM "standard1" WHERE KEY=?`;
const TRIES = 10;

interface LoopArgs {
  host: string;
  port: number;
  keyspace: string;
  mode: "write" | "read";
  total: number;
  inFlight: number;
}

function parseLoopArgs(args: string[]): LoopArgs {
  const [host, port, keyspace, mode, total, inFlight] = args;
  const whole = (text: string | undefined) => /^[1-9]\d*$/.test(text ?? "") ? Number(text) : NaN;
  const parsed = {
    host,
    port: whole(port),
    keyspace,
    mode: mode as LoopArgs["mode"],
    total: whole(total),
    inFlight: whole(inFlight),
  };
  if (
    args.length !== 6 || !(mode === "write" || mode === "read") ||
    [parsed.port, parsed.total, parsed.inFlight].some(Number.isNaN)
  ) {
    throw new TypeError(`expected HOST PORT KEYSPACE write|read N C, got "${args.join(" ")}"`);
  }
  return parsed;
}

/** The 10-byte key of op i: its number in hex, zero-padded. */
function keyOf(i: number): Buffer {
  return Buffer.from(i.toString(16).padStart(10, "0"));
}

/** The value of column c for key i: 34 bytes derived from both. */
function valueOf(i: number, c: number): Buffer {
  return Buffer.alloc(34, (i * 5 + c) & 0xff);
}

/** The value at rank ceil(p * n) of the sorted times (nearest rank), in ms. */
function percentileMs(sorted: Float64Array, p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

async function runLoop(args: LoopArgs): Promise<string> {
  const client = new cassandra.Client({
    contactPoints: [`${args.host}:${args.port}`],
    localDataCenter: "datacenter1",
    keyspace: args.keyspace,
  });
  await client.connect();
  const times = new Float64Array(args.total);
  let next = 0;
  let missing = 0;
  let errors = 0;
  let failed = 0;
  let firstError = "";
  const op = async (i: number): Promise<void> => {
    const key = keyOf(i);
    if (args.mode === "write") {
      const values = [valueOf(i, 0), valueOf(i, 1), valueOf(i, 2), valueOf(i, 3), valueOf(i, 4)];
      await client.execute(WRITE, [...values, key], { prepare: true });
    } else {
      const result = await client.execute(READ, [key], { prepare: true });
      if (result.rowLength !== 1) missing++;
    }
  };
  const lane = async (): Promise<void> => {
    while (next < args.total) {
      const i = next++;
      const start = performance.now();
      for (let tries = 1;; tries++) {
        try {
          await op(i);
          break;
        } catch (error) {
          errors++;
          firstError ||= `${(error as Error).name}: ${(error as Error).message}`;
          if (tries === TRIES) {
            failed++;
            break;
          }
        }
      }
      times[i] = performance.now() - start;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: args.inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  await client.shutdown();
  times.sort();
  return JSON.stringify({
    ops: args.total,
    seconds,
    p50Ms: percentileMs(times, 0.5),
    p99Ms: percentileMs(times, 0.99),
    missing,
    errors,
    failed,
    firstError,
  });
}

if (import.meta.main) {
  let args: LoopArgs;
  try {
    args = parseLoopArgs(Deno.args);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exit(2);
  }
  console.log(await runLoop(args));
}
