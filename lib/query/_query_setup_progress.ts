/**
 * Private helper of `query_setup.ts`: the progress line of the load.
 *
 * @module
 */

/** A progress line: shown, redrawn, then erased. */
export interface ProgressLine {
  /** Shows `text` in place of the line shown before (at most every 200 ms). */
  show(text: string): void;
  /** Erases the line, if one was shown. */
  done(): void;
}

/**
 * A progress line on stderr, redrawn at most every 200 ms; only on a terminal.
 *
 * @param enabled Whether to draw it (stdout is a terminal, or forced).
 * @returns The line.
 */
export function progressLine(enabled: boolean): ProgressLine {
  const encoder = new TextEncoder();
  let lastMs = 0;
  let shown = false;
  return {
    show(text: string): void {
      if (!enabled) return;
      const nowMs = performance.now();
      if (nowMs - lastMs < 200) return;
      lastMs = nowMs;
      shown = true;
      Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${text}`));
    },
    done(): void {
      if (shown) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
    },
  };
}
