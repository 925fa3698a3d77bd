/**
 * Test helpers shared by the `query run` tests: the CSV time format and the `--results`
 * lines read back.
 *
 * @module
 */

/** `YYYY-MM-DD HH:MM:SS` (UTC), as the input CSV writes times. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** One `--results` line: the input line, its host, the Worker that ran it, and its answer. */
export interface Answer {
  line: number;
  host: string;
  worker: number;
  minutes: [string, number, number][];
}

/** Reads a `--results` file back. */
export async function readAnswers(path: string): Promise<Answer[]> {
  const text = await Deno.readTextFile(path);
  return text.trim() === "" ? [] : text.trim().split("\n").map((line) => JSON.parse(line));
}
