// Headless Chromium for the live page tests: the Debian build, driven by playwright-core.
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

/** The browser binary; STRESS_CHROMIUM overrides it (to try another build, or the skip path). */
export const CHROMIUM: string = Deno.env.get("STRESS_CHROMIUM") ?? "/usr/bin/chromium";

/** Whether the browser is installed; when not, says so once on stderr. */
export const hasChromium: boolean = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/**
 * Prints the skip line for a test file that needs Chromium when it is missing.
 *
 * @param what The test file's subject, e.g. `live page test`.
 */
export function reportChromiumSkip(what: string): void {
  if (hasChromium) return;
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `${what} skipped: ${CHROMIUM} is not installed (apt-get install chromium)\n`,
    ),
  );
}

/** Starts headless Chromium. */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--headless=new"],
    timeout: 30_000,
  });
}

/** Polls `check` every 50 ms until it is true; throws after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Waits until a command prints a line starting with `prefix` (e.g. `web: the live page is at `)
 * and returns the first URL on it.
 *
 * @param lines The command's output lines, still growing.
 * @param prefix The start of the line.
 */
export async function printedUrl(lines: readonly string[], prefix: string): Promise<string> {
  let url = "";
  await waitUntil(() => {
    url = lines.find((l) => l.startsWith(prefix))?.match(/http:\/\/\S+/)?.[0] ?? "";
    return url !== "";
  }, `"${prefix}" is printed`);
  return url;
}

/**
 * Presses the live page's Stop as its button does (`POST /api/stop`) and checks the answer.
 *
 * @param page The page's URL.
 */
export async function pressStop(page: string): Promise<void> {
  const response = await fetch(new URL("/api/stop", page), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`POST /api/stop answered ${response.status}`);
}
