// Test fixture: `stress` run as a child process (main.ts with the project's deno.json), for
// tests of what only a real process shows: signals, a closed stdout.

const root = new URL("../", import.meta.url);

/** The synthetic 60 s write both signal tests run: 2 threads, 1 ms ops, 200 ms intervals. */
export const LONG_SYNTHETIC_WRITE: readonly string[] = [
  "write",
  "duration=60s",
  "no-warmup",
  "-rate",
  "threads=2",
  "-node",
  "synthetic:fixed(1000)",
];

/** Starts `deno run -A main.ts ...args` with stdout and stderr piped. */
export function spawnMain(args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("deno.json", root).pathname,
      new URL("main.ts", root).pathname,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Reads stdout until `wanted` lines start with `prefix` (or it ends); returns what was read. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  prefix: string,
  wanted: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (text.split("\n").filter((l) => l.startsWith(prefix)).length < wanted) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
