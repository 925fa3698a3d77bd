// Test fixture of the interrupt matrix: runs main() in-process with every file option pointed
// into a fresh directory, aborts (Ctrl-C) when an output line matches, and checks what each
// file holds afterwards: absent or untouched, or complete and valid.
import assert from "node:assert/strict";
import { main } from "../../main.ts";
import type { CommandIo } from "../../lib/cli/command_io.ts";
import { readHdrLog } from "../../lib/report/read_hdr_log.ts";
import { readGraphRevisions } from "../../lib/report/graph_html.ts";

/** How one run ended. */
export interface Ended {
  code: number;
  out: string[];
  err: string[];
  /** Whether the abort was sent (the awaited line was printed). */
  aborted: boolean;
}

/** A run is cut off (and the test fails) after this long. */
const RUN_LIMIT_MS = 30_000;

/**
 * Runs `main(args)` in-process; aborts as Ctrl-C does when an out or err line matches
 * `abortOn` (at once, or at `when` of that line: after the line's handler returns). Bounded by
 * {@linkcode RUN_LIMIT_MS}: a run still going then is aborted and the test fails.
 */
export async function runMain(
  args: readonly string[],
  options: { abortOn?: RegExp } = {},
): Promise<Ended> {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  let aborted = false;
  const check = (line: string) => {
    if (!aborted && options.abortOn?.test(line)) {
      aborted = true;
      controller.abort();
    }
  };
  const io: CommandIo = {
    out(line) {
      out.push(line);
      check(line);
    },
    err(line) {
      err.push(line);
      check(line);
    },
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, RUN_LIMIT_MS);
  try {
    const code = await main(args, {
      io,
      signal: controller.signal,
      sleep: () => Promise.resolve(),
    });
    assert.ok(!timedOut, `the run took over ${RUN_LIMIT_MS} ms:\n${[...out, ...err].join("\n")}`);
    if (options.abortOn !== undefined) {
      assert.ok(aborted, `no line matched ${options.abortOn}:\n${[...out, ...err].join("\n")}`);
    }
    return { code, out, err, aborted };
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts the exit code and that stderr holds no stack trace (only `error:` lines). */
export function assertEnded(run: Ended, code: number): void {
  const all = [...run.out, ...run.err].join("\n");
  assert.equal(run.code, code, all);
  const stack = run.err.find((l) => /^\s+at\s/.test(l) || /internal error/.test(l));
  assert.equal(stack, undefined, `a stack trace on stderr:\n${run.err.join("\n")}`);
}

/** The text of a file, or null when it does not exist. */
export function readOrNull(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * Checks an HDR log: absent (when `mayBeAbsent`), or a header and intervals that parse.
 * Returns the number of intervals (-1 when absent).
 */
export function checkHdrLog(path: string, mayBeAbsent = false): number {
  const text = readOrNull(path);
  if (text === null) {
    assert.ok(mayBeAbsent, `${path} was not written`);
    return -1;
  }
  assert.match(
    text,
    /^#\[BaseTime: /m,
    `${path} has no header: ${JSON.stringify(text.slice(0, 200))}`,
  );
  const log = readHdrLog(text, path);
  assert.ok(log.baseTimeMs > 0, `${path} has no BaseTime`);
  return log.intervals.length;
}

/**
 * Checks a JSON file: absent (when `mayBeAbsent`), or JSON whose `aborted` matches `aborted`
 * (null: a complete run, no `aborted` or null). Returns the parsed object (null when absent).
 */
export function checkJson(
  path: string,
  aborted: RegExp | null,
  mayBeAbsent = false,
): Record<string, unknown> | null {
  const text = readOrNull(path);
  if (text === null) {
    assert.ok(mayBeAbsent, `${path} was not written`);
    return null;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new assert.AssertionError({
      message: `${path} does not parse (${error}): ${JSON.stringify(text.slice(0, 200))}`,
    });
  }
  if (aborted === null) {
    assert.ok(json.aborted === undefined || json.aborted === null, `aborted: ${json.aborted}`);
  } else {
    assert.match(
      String(json.aborted),
      aborted,
      `${path}: aborted is ${JSON.stringify(json.aborted)}`,
    );
  }
  return json;
}

/** Checks a `-graph` file: valid HTML whose revisions are `revisions`, each with data. */
export function checkGraph(path: string, revisions: readonly string[]): void {
  const html = Deno.readTextFileSync(path);
  assert.match(html, /^<!DOCTYPE html>/i);
  assert.match(html, /<\/html>\s*$/i);
  const stored = readGraphRevisions(html, { fileName: path });
  assert.deepEqual(stored.map((r) => r.revision), revisions);
  for (const revision of stored) {
    assert.ok(
      Object.keys(revision.series).length > 0,
      `revision ${revision.revision} has no series`,
    );
  }
}

/** A port on 127.0.0.1 that nothing listens on. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
