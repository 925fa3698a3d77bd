// Starts a Deno script in its own process and waits for its `listening on http://...` line: the
// HTTP endpoint and the test checkout service of the HTTP benchmarks.

const decoder = new TextDecoder();

/**
 * Runs `deno run -A SCRIPT ARGS...` and returns the URL from its first stdout line.
 *
 * @param script The script's path.
 * @param args Its arguments.
 * @returns The URL (as printed, no trailing slash added) and the process, to kill when done.
 */
export async function startListeningChild(
  script: string,
  args: string[],
): Promise<{ url: string; child: Deno.ChildProcess }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} exited before listening`);
    text += decoder.decode(value);
  }
  reader.releaseLock();
  child.stdout.cancel();
  const match = /listening on (http:\/\/\S+)/.exec(text);
  if (match === null) {
    child.kill("SIGTERM");
    await child.status;
    throw new Error(`Unexpected output of ${script}: ${text}`);
  }
  return { url: match[1], child };
}
