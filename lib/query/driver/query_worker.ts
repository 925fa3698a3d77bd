/**
 * The Worker entry of `stress query run`: one connection, one queue of rows run in the order
 * they arrive, each query timed around its round trip into an {@linkcode OpRecorder}. See
 * `query_protocol.ts` for the messages. Not part of the library API; started by
 * `lib/query/driver/query_pool.ts`.
 *
 * The connection is the lean wire client `lib/query/driver/pg_wire_client.ts` (text
 * results: the bucket comes back as `2017-01-01 08:59:00+00`, the session being in UTC). A URL it
 * does not support (TLS: `sslmode=require|verify-ca|verify-full` or `ssl=true`; a Unix socket;
 * several hosts) runs on postgres.js (`npm:postgres`) instead, chosen once at `init`.
 *
 * @module
 */

import postgres from "postgres";
import { PgWireClient } from "./pg_wire_client.ts";
import { postgresJsTarget } from "../../units/postgres_js_target.ts";
import { queryErrorKind } from "../query_error_kind.ts";
import { OpRecorder } from "../../stats/op_recorder.ts";
import { LoaderProbe } from "../../engine/loader_probe.ts";
import type {
  QueryAnswer,
  QueryExactTimes,
  QueryMainMessage,
  QueryWorkerInit,
  QueryWorkerMessage,
  QueryWorkerRow,
} from "../query_protocol.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<QueryMainMessage>) => void) | null;
  postMessage(message: QueryWorkerMessage, transfer?: Transferable[]): void;
  close(): void;
}

/** Progress is reported after this many rows (and whenever the queue runs dry). */
const PROGRESS_EVERY = 32;
/** How often the loader's probe timer fires, in ms. */
const PROBE_MS = 20;
/**
 * How long a stop waits for the query in flight before it abandons it (closes the connection):
 * a query blocked on a lock, or a server that no longer answers, would hold Ctrl-C forever.
 */
const STOP_GRACE_MS = 1000;

const scope = self as unknown as WorkerScope;
const recorder = new OpRecorder({ scheduled: false });
/**
 * What the Worker measures of itself for the run's verdict: its thread's CPU, how late its probe
 * timer fires, and how long it had rows in hand (busy: the rate was set by the Workers).
 */
const probe = new LoaderProbe(1, () => performance.now() * 1e6);
let init: QueryWorkerInit | null = null;
let sql: postgres.Sql | null = null;
let wire: PgWireClient | null = null;
/** The wire client's statement name (`""` for the unnamed one with `--no-prepare`). */
const STATEMENT = "minute_query";
/** Resolves once the connection is up (or failed, then the Worker is finishing). */
let connected: Promise<boolean> = Promise.resolve(false);
const queue: QueryWorkerRow[] = [];
let head = 0;
let running = false;
let ended = false;
let finished = 0;
let dropped = 0;
let reported = 0;
let answers: QueryAnswer[] = [];
let finishing = false;
/** Set by `stop`, `--fail-fast` or a lost connection: rows that arrive later are dropped. */
let stopped = false;
/** Set when a stop gave up on the query in flight: it is counted as not run, not as failed. */
let abandoned = false;
/** Aborted when a stop gives up on the Worker's connect or query. */
const giveUp = new AbortController();
/** The CancelRequest of the abandoned query, sent before the Worker ends. */
let cancelling: Promise<boolean> = Promise.resolve(false);
const exact: QueryExactTimes = { count: 0, sumNs: 0, minNs: 0, maxNs: 0 };

function post(message: QueryWorkerMessage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function flushProgress(): void {
  if (answers.length > 0) {
    post({ type: "results", answers });
    answers = [];
  }
  if (finished !== reported) {
    reported = finished;
    post({ type: "progress", workerIndex: init!.workerIndex, finished });
  }
}

/**
 * Epoch ms of a UTC timestamptz in PostgreSQL's text form (`2017-01-01 08:59:00+00`, maybe
 * with fractional seconds).
 */
function timestamptzMs(text: string): number {
  return Date.parse(`${text.slice(0, 10)}T${text.slice(11, -3)}Z`);
}

/** Records one successful query. */
function recorded(startNs: number, endNs: number, rows: number): void {
  recorder.recordOp(startNs, startNs, endNs, 1, rows);
  const tookNs = endNs - startNs;
  exact.minNs = exact.count === 0 ? tookNs : Math.min(exact.minNs, tookNs);
  exact.maxNs = Math.max(exact.maxNs, tookNs);
  exact.sumNs += tookNs;
  exact.count++;
}

async function runOne(row: QueryWorkerRow, text: string): Promise<void> {
  const params = [row.host, new Date(row.startMs).toISOString(), new Date(row.endMs).toISOString()];
  const startNs = performance.now() * 1e6;
  try {
    if (wire !== null) {
      const rows = await wire.query(params);
      const endNs = performance.now() * 1e6;
      recorded(startNs, endNs, rows.length);
      if (init!.collectResults) {
        answers.push({
          line: row.line,
          host: row.host,
          worker: init!.workerIndex,
          minutes: rows.map((r) => [timestamptzMs(r[0]!), Number(r[1]), Number(r[2])]),
        });
      }
      return;
    }
    const result = await sql!.unsafe(text, params);
    const endNs = performance.now() * 1e6;
    recorded(startNs, endNs, result.length);
    if (init!.collectResults) {
      answers.push({
        line: row.line,
        host: row.host,
        worker: init!.workerIndex,
        minutes: result.map((r) => [
          (r.bucket as Date).getTime(),
          Number(r.max_usage),
          Number(r.min_usage),
        ]),
      });
    }
  } catch (error) {
    if (!abandoned) failed(row, error);
  }
}

/**
 * After a stop, gives the query in flight {@linkcode STOP_GRACE_MS} to end, then asks the
 * server to cancel it (as psql's Ctrl-C does) and closes the connection under it: the query is
 * not counted (it is a row not run), and the Worker finishes with what it measured.
 */
function abandonAfterGrace(): void {
  setTimeout(() => {
    if (!running || finishing) return;
    abandoned = true;
    giveUp.abort(); // a connect still under way
    // Closing the socket alone leaves the query running on the server, holding its locks.
    cancelling = wire?.cancel() ?? Promise.resolve(false);
    void wire?.close();
    void sql?.end({ timeout: 0 }).catch(() => {});
  }, STOP_GRACE_MS);
}

/**
 * Reports a failed query. A lost connection ends the Worker, as pgbench aborts a client whose
 * connection is lost: its rows would only fail one by one, or wait for a server that is gone.
 */
function failed(row: QueryWorkerRow, error: unknown): void {
  recorder.recordError();
  const { kind, message } = queryErrorKind(error);
  const failure = { workerIndex: init!.workerIndex, line: row.line, host: row.host, kind, message };
  post({ type: "error", ...failure });
  const lost = wire?.closed === true || kind.startsWith("connection ");
  if (lost) post({ type: "lost", ...failure });
  if (lost || init!.failFast) dropQueue();
}

/**
 * Drops the rows not yet started, and those that arrive later; the Worker finishes after the
 * current query.
 */
function dropQueue(): void {
  dropped += queue.length - head;
  queue.length = 0;
  head = 0;
  ended = true;
  stopped = true;
}

async function finish(): Promise<void> {
  if (finishing) return;
  finishing = true;
  flushProgress();
  const sample = recorder.sample();
  post({
    type: "done",
    workerIndex: init!.workerIndex,
    sample,
    finished,
    dropped,
    exact,
    loader: probe.finish(),
  }, OpRecorder.transferables(sample));
  await wire?.close();
  await sql?.end({ timeout: 1 }).catch(() => {});
  await cancelling;
  scope.close();
}

/** Runs the queue until it is empty; finishes the Worker when the input has ended. */
async function drain(): Promise<void> {
  if (running) return;
  running = true;
  const ok = await connected;
  if (!ok) return; // the fatal path finishes the Worker
  const busyFromNs = performance.now() * 1e6;
  while (head < queue.length) {
    const row = queue[head];
    queue[head++] = undefined as unknown as QueryWorkerRow;
    await runOne(row, init!.sql);
    if (abandoned) break;
    finished++;
    if (finished - reported >= PROGRESS_EVERY) flushProgress();
  }
  queue.length = 0;
  head = 0;
  running = false;
  probe.busy(performance.now() * 1e6 - busyFromNs);
  flushProgress();
  if (ended) await finish();
}

async function fatal(message: QueryWorkerInit, error: unknown): Promise<false> {
  // A connect that a stop gave up on is not a failure of the server.
  if (!abandoned) {
    post({
      type: "fatal",
      workerIndex: message.workerIndex,
      message: queryErrorKind(error).message,
    });
  }
  dropped += queue.length - head; // a stop may have dropped the queue already
  await finish();
  return false;
}

/**
 * Connects with the wire client and prepares the statement (named or unnamed). `--timeout`
 * bounds the queries, not the set-up: `statement_timeout` is set once the statement is prepared,
 * so a timeout below the first Parse of a session (its catalog lookups take a few ms) fails
 * queries, counted as 57014, instead of the Worker's connection.
 */
async function connectWire(message: QueryWorkerInit): Promise<boolean> {
  try {
    wire = await PgWireClient.connect(message.url, {
      applicationName: `stress query run worker ${message.workerIndex}`,
      signal: giveUp.signal,
    });
    await wire.prepare(message.prepare ? STATEMENT : "", message.sql);
    const timeoutMs = Math.round(message.statementTimeoutMs);
    if (timeoutMs > 0) await wire.simpleQuery(`SET statement_timeout = ${timeoutMs}`);
    return true;
  } catch (error) {
    return fatal(message, error);
  }
}

function connect(message: QueryWorkerInit): Promise<boolean> {
  let native = false;
  try {
    native = PgWireClient.supportsUrl(message.url);
  } catch {
    // postgres.js reports the bad URL.
  }
  if (native) return connectWire(message);
  const target = postgresJsTarget(message.url);
  sql = postgres(target.url, {
    ...target.options,
    max: 1,
    prepare: message.prepare,
    connect_timeout: 10,
    fetch_types: false,
    onnotice: () => {},
    connection: {
      application_name: `stress query run worker ${message.workerIndex}`,
      TimeZone: "UTC",
      ...(message.statementTimeoutMs > 0 ? { statement_timeout: message.statementTimeoutMs } : {}),
    },
  });
  // Open the connection before the first timed query.
  return sql`SELECT 1`.then(() => true, (error) => fatal(message, error));
}

scope.onmessage = (event: MessageEvent<QueryMainMessage>) => {
  const message = event.data;
  if (finishing) return;
  switch (message.type) {
    case "init":
      init = message;
      // The probe times the run from the connection up, as the queries are.
      connected = connect(message).then((ok) => {
        if (ok) {
          probe.start();
          probe.watchLoop(PROBE_MS);
        }
        return ok;
      });
      return;
    case "rows":
      if (stopped) {
        dropped += message.rows.length;
        return;
      }
      for (const row of message.rows) queue.push(row);
      void drain();
      return;
    case "sample": {
      const sample = recorder.sample();
      post({
        type: "sample",
        workerIndex: init!.workerIndex,
        epoch: message.epoch,
        sample,
      }, OpRecorder.transferables(sample));
      return;
    }
    case "stop":
      dropQueue();
      if (!running) void finish();
      else abandonAfterGrace();
      return;
    case "end":
      ended = true;
      if (!running) void drain();
      return;
  }
};
