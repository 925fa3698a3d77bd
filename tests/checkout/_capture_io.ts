import type { CommandIo } from "../../lib/cli/command_io.ts";

/**
 * An io that keeps stdout and stderr lines in one list, in order; `onLine` sees each stdout line
 * as it comes.
 */
export function captureIo(
  onLine: (line: string) => void = () => {},
): CommandIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out(line: string) {
      lines.push(line);
      onLine(line);
    },
    err(line: string) {
      lines.push(line);
    },
  };
}
