// Our answers to the recorded cassandra-stress lines that do not run a workload: run 19 and
// b01..b14 of tests/testdata/cassandra-stress-real/ (the ScyllaDB fork 3.19.0).
//
// Bad input: the fork prints a message (or none), then its whole usage, and exits 1; some bad
// values it accepts and fails later. Ours deliberately gives one `error:` line naming the
// offending token, prints nothing on stdout and exits 2 (EXIT_CODES.usage), before connecting.
// Help, print and version: compared on content (the commands, options, defaults, numbers), not
// bytes; all exit 0 as the fork does.
import assert from "node:assert/strict";
import { runAgainst } from "../embedded/_cql_run.ts";
import { EXIT_CODES } from "../../lib/errors.ts";
import { VERSION } from "../../lib/version.ts";
import { type SettingsSection, splitOutput } from "../cassandra/_compare_output.ts";

const DIR = new URL("../testdata/cassandra-stress-real/", import.meta.url);

/** A recorded run: its command line (without `cassandra-stress`), exit status and output. */
interface Recording {
  readonly args: string[];
  readonly exitStatus: number;
  readonly lines: readonly string[];
}

function readRecording(name: string): Recording {
  const [command, exit, ...lines] = Deno.readTextFileSync(new URL(`${name}.txt`, DIR)).split("\n");
  const commandMatch = /^# cassandra-stress (.*)$/.exec(command);
  const exitMatch = /^# exit status: (\d+)$/.exec(exit);
  assert.ok(commandMatch !== null && exitMatch !== null, `${name}.txt header`);
  return { args: commandMatch[1].split(" "), exitStatus: Number(exitMatch[1]), lines };
}

/** Runs a command line through main(), no sleeps. */
const run = (args: readonly string[]) => runAgainst(null, args);

/** The lines of the fork's output that are not its usage dump. */
function withoutUsage(lines: readonly string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith("Usage:      cassandra-stress"));
  if (start < 0) return [...lines];
  const end = lines.findIndex((l, i) => i > start && l.startsWith("-tokenrange "));
  return [...lines.slice(0, start), ...lines.slice(end + 1)];
}

/** Checks ours: exit 2, nothing on stdout, one `error:` line quoting each of `named`. */
function assertOneErrorLine(
  name: string,
  ours: { code: number; out: string[]; err: string[] },
  named: readonly string[],
): void {
  assert.equal(ours.code, EXIT_CODES.usage, `${name}: ${ours.err.join("\n")}`);
  assert.deepEqual(ours.out, [], `${name}: nothing on stdout`);
  assert.equal(ours.err.length, 1, `${name}: one line on stderr, got\n${ours.err.join("\n")}`);
  assert.match(ours.err[0], /^error: /);
  for (const text of named) {
    assert.ok(ours.err[0].includes(`"${text}"`), `${name}: ${ours.err[0]} names "${text}"`);
  }
}

/**
 * Lines the fork rejects at once with its usage dump and exit 1. `fork` is what its message
 * names (run 19 and b02 list the ignored tokens after the usage; b03 names nothing: "No
 * command specified"); `ours` is what our one error line quotes.
 */
const REJECTED: readonly { name: string; fork: string | null; ours: readonly string[] }[] = [
  { name: "19-counter-write-incr", fork: "-add fixed(5)", ours: ["-add"] },
  { name: "b01-n-not-number", fork: "Invalid value abc;", ours: ["write n", "abc"] },
  { name: "b02-unknown-option", fork: "-foo bar", ours: ["-foo"] },
  { name: "b03-unknown-command", fork: null, ours: ["writ"] },
  { name: "b04-bad-ratio", fork: "bogus=1", ours: ["bogus"] },
  { name: "b07-bad-cl", fork: "Invalid value MOST;", ours: ["MOST"] },
  { name: "b08-bad-dist", fork: "Illegal distribution type: WEIRD", ours: ["WEIRD"] },
];

Deno.test("lines the fork rejects with its usage: ours prints one error line naming the token, exit 2 (run 19, b01-b04, b07, b08)", async (t) => {
  for (const { name, fork, ours } of REJECTED) {
    await t.step(name, async () => {
      const recording = readRecording(name);
      assert.equal(recording.exitStatus, 1);
      assert.ok(recording.lines.includes("---Commands---"), `${name}: the fork prints its usage`);
      const message = withoutUsage(recording.lines).join("\n");
      if (fork === null) assert.match(message, /^No command specified$/m);
      else assert.ok(message.includes(fork), `${name}: the fork names ${fork} in\n${message}`);
      // Run 19 names a node; a closed loopback port keeps a regression from reaching any node.
      const args = recording.args.map((a) => a === "native=PORT" ? "native=1" : a);
      assertOneErrorLine(name, await run(args), ours);
    });
  }
});

Deno.test("b05 -rate threads=0: the fork takes it (Thread Count: 0) and goes on; ours refuses it", async () => {
  const recording = readRecording("b05-threads-zero");
  assert.ok(recording.lines.includes("  Thread Count: 0"), "the fork's dump shows 0 threads");
  assert.equal(recording.exitStatus, 1, "it failed later, connecting");
  const ours = await run(recording.args);
  assertOneErrorLine("b05", ours, ["-rate threads", "0"]);
  assert.match(ours.err[0], /expected a whole number from 1 to 100000/);
});

Deno.test("-rate threads=10000000 (b05's other end): refused in one line at once, not run for minutes", async () => {
  const started = performance.now();
  const ours = await run(["write", "n=10", "-rate", "threads=10000000", "-node", "synthetic"]);
  assertOneErrorLine("threads=10000000", ours, ["-rate threads", "10000000"]);
  assert.match(ours.err[0], /is out of range, expected a whole number from 1 to 100000$/);
  // It used to start ten million op loops: minutes and about 4 GB before the first op.
  assert.ok(performance.now() - started < 5000, `${performance.now() - started} ms`);
  // The largest count accepted still runs.
  const largest = await run([
    "write",
    "n=10",
    "no-warmup",
    "-rate",
    "threads=100000",
    "-node",
    "synthetic",
  ]);
  assert.equal(largest.code, 0, largest.err.join("\n"));
  assert.equal(largest.out.at(-1), "END");
});

Deno.test("b06 -node with no value: the fork falls back to localhost; ours refuses it", async () => {
  const recording = readRecording("b06-missing-node-value");
  assert.deepEqual(recording.args.slice(-1), ["-node"]);
  assert.ok(recording.lines.includes("  Nodes: [localhost]"), "the fork's dump shows localhost");
  assert.equal(recording.exitStatus, 1, "it failed later, connecting");
  const ours = await run(recording.args);
  assertOneErrorLine("b06", ours, ["-node"]);
  assert.match(ours.err[0], /has no hosts/);
  // Also when another group follows, or only --dry-run does.
  assertOneErrorLine("b06", await run(["write", "n=100", "-node", "-rate", "threads=4"]), [
    "-node",
  ]);
  assertOneErrorLine("b06", await run(["write", "n=100", "-node", "--dry-run"]), ["-node"]);
});

/** The settings dump's sections, our pool size masked (ours opens fewer connections on purpose). */
function settingsOf(lines: readonly string[]): readonly SettingsSection[] {
  return splitOutput(lines, [[/^( {2}Connections Per Host: )\d+$/, "$1<n>"]]).settings;
}

Deno.test("b09 write with no count: uncertainty mode with the fork's settings; an absent node is one error line, exit 3", async (t) => {
  const recording = readRecording("b09-no-count");
  assert.deepEqual(recording.args, ["write"]);
  await t.step(
    "--dry-run prints the fork's settings dump (Count: -1, err<0.02, auto rate)",
    async () => {
      const ours = await run([...recording.args, "--dry-run"]);
      assert.equal(ours.code, 0, ours.err.join("\n"));
      const expected = settingsOf(recording.lines);
      assert.ok(expected.length > 10, "the recording has a settings dump");
      assert.deepEqual(settingsOf(ours.out), expected);
    },
  );
  await t.step("run against a closed loopback port: dump, then one error line", async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const ours = await run([...recording.args, "-node", "127.0.0.1", "-port", `native=${port}`]);
    assert.equal(ours.code, EXIT_CODES.target, ours.err.join("\n"));
    assert.ok(ours.out.includes("  Count: -1"), "the dump is printed first, as the fork does");
    assert.ok(ours.out.includes("  Target Uncertainty: 0.020"));
    assert.equal(ours.err.length, 1, ours.err.join("\n"));
    assert.match(ours.err[0], new RegExp(`^error: Cannot connect .*127\\.0\\.0\\.1:${port}`));
  });
});

/** The first word of each line of a `---Title---` section, up to the next blank line. */
function sectionNames(lines: readonly string[], title: string): string[] {
  const start = lines.indexOf(`---${title}---`);
  assert.ok(start >= 0, `no ---${title}--- section`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "") break;
    names.push(line.split(/\s+/)[0]);
  }
  return names;
}

/** Commands of the fork's list that ours does not list, and why. */
const KNOWN_MISSING_COMMANDS: Readonly<Record<string, string>> = {
  legacy: "the pre-2.1 grammar is not supported: `stress legacy` is refused with one error line",
};

Deno.test("b10 help: ours lists every command and option group of the fork's, exit 0", async () => {
  const recording = readRecording("b10-help");
  const ours = await run(recording.args);
  assert.equal(ours.code, recording.exitStatus);
  assert.deepEqual(ours.err, []);
  const ourCommands = sectionNames(ours.out, "Commands");
  for (const command of sectionNames(recording.lines, "Commands")) {
    if (Object.hasOwn(KNOWN_MISSING_COMMANDS, command)) {
      assert.ok(!ourCommands.includes(command), `${command} is listed now: drop it from the known`);
    } else {
      assert.ok(ourCommands.includes(command), `help lists ${command}`);
    }
  }
  assert.deepEqual(sectionNames(ours.out, "Options"), sectionNames(recording.lines, "Options"));
  for (const command of Object.keys(KNOWN_MISSING_COMMANDS)) {
    const refused = await run([command]);
    assert.equal(refused.code, EXIT_CODES.usage);
    assert.equal(refused.err.length, 1);
  }
});

/** One option line of a help page: its name (`err<`, `n=`, `auto`) and default, if given. */
interface HelpOption {
  readonly name: string;
  readonly defaultValue: string | null;
}

/** The fork's option lines: `  err<? (default=0.02)   text`. */
function forkOptions(lines: readonly string[]): HelpOption[] {
  return lines.flatMap((line) => {
    const match = /^ {2}(\S+?)\??(?: \(default=([^)]*)\))? {2,}\S/.exec(line);
    return match === null ? [] : [{ name: match[1], defaultValue: match[2] ?? null }];
  });
}

/**
 * Checks that ours has a line for each of the fork's options, and shows its default: as the
 * option's own value (`err<0.02`, `cl=LOCAL_ONE`) or as `(default X)` in its text.
 */
function assertSameOptions(name: string, fork: readonly string[], ours: readonly string[]): void {
  const options = forkOptions(fork);
  assert.ok(options.length >= 6, `${name}: ${options.length} options in the recording`);
  for (const option of options) {
    const flag = !/[=<>]$/.test(option.name);
    const line = ours.find((l) => {
      const token = /^ {2}(\S+)/.exec(l)?.[1] ?? "";
      return flag ? token === option.name : token.startsWith(option.name) &&
        !/^[=<>]/.test(token.slice(option.name.length));
    });
    assert.ok(line !== undefined, `${name}: ours lists ${option.name}\n${ours.join("\n")}`);
    if (option.defaultValue !== null) {
      const token = /^ {2}(\S+)/.exec(line)![1];
      assert.ok(
        token === option.name + option.defaultValue ||
          line.includes(`(default ${option.defaultValue})`),
        `${name}: ${option.name} defaults to ${option.defaultValue} in: ${line}`,
      );
    }
  }
}

Deno.test("b11 help write and b12 help -rate: ours lists the fork's options with their defaults, exit 0", async (t) => {
  for (const name of ["b11-help-write", "b12-help-rate"]) {
    await t.step(name, async () => {
      const recording = readRecording(name);
      const ours = await run(recording.args);
      assert.equal(ours.code, recording.exitStatus);
      assert.deepEqual(ours.err, []);
      assertSameOptions(name, recording.lines, ours.out);
    });
  }
});

/** The rows of a `print` table as numbers. */
function tableNumbers(lines: readonly string[]): number[][] {
  return lines.filter((l) => /^\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
}

Deno.test("b13 print dist=GAUSSIAN(1..100): ours prints the fork's percentile table, exit 0", async () => {
  const recording = readRecording("b13-print");
  const ours = await run(recording.args);
  assert.equal(ours.code, recording.exitStatus);
  assert.deepEqual(ours.err, []);
  const header = (lines: readonly string[]) => lines[0].trim().split(/\s{2,}/);
  assert.deepEqual(header(ours.out), header(recording.lines));
  const expected = tableNumbers(recording.lines);
  assert.equal(expected.length, 12);
  assert.deepEqual(tableNumbers(ours.out), expected);
});

Deno.test("b14 version: ours prints one line with its own version, exit 0", async () => {
  const recording = readRecording("b14-version");
  assert.match(recording.lines[0], /^Version: \d+\.\d+\.\d+$/);
  const ours = await run(recording.args);
  assert.equal(ours.code, recording.exitStatus);
  assert.deepEqual(ours.err, []);
  assert.equal(ours.out.length, 1);
  assert.ok(ours.out[0].includes(VERSION), ours.out[0]);
});
