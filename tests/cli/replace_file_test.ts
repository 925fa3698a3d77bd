import assert from "node:assert/strict";
import { checkReplaceable, replaceFile } from "../../lib/cli/replace_file.ts";
import { UsageError } from "../../lib/errors.ts";
import { main } from "../../main.ts";
import { BufferedIo } from "../../lib/cli/command_io.ts";

/** Whether this process may write a file with no write permission (root with its capabilities). */
function writesReadOnlyFiles(): boolean {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/probe`, "");
    Deno.chmodSync(`${dir}/probe`, 0o444);
    Deno.openSync(`${dir}/probe`, { write: true }).close();
    return true;
  } catch {
    return false;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Makes a named pipe with mkfifo; false when the command is not there. */
function makeFifo(path: string): boolean {
  try {
    return new Deno.Command("mkfifo", { args: [path], stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test("replaceFile() replaces a new or regular file through a sibling", () => {
  const dir = Deno.makeTempDirSync();
  try {
    replaceFile(`${dir}/a.html`, "-graph", "one");
    replaceFile(`${dir}/a.html`, "-graph", "two");
    assert.equal(Deno.readTextFileSync(`${dir}/a.html`), "two");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.html"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replaceFile() writes the file a link points to and keeps the link", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/real`);
    Deno.writeTextFileSync(`${dir}/real/graph.html`, "old");
    Deno.symlinkSync("real/graph.html", `${dir}/link.html`);
    checkReplaceable(`${dir}/link.html`, "-graph");
    replaceFile(`${dir}/link.html`, "-graph", "new");
    assert.ok(Deno.lstatSync(`${dir}/link.html`).isSymlink, "the link is still a link");
    assert.equal(Deno.readTextFileSync(`${dir}/real/graph.html`), "new");
    assert.deepEqual([...Deno.readDirSync(`${dir}/real`)].map((e) => e.name), ["graph.html"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replaceFile() keeps the permissions of the file it replaces", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/private.json`;
    Deno.writeTextFileSync(path, "{}");
    Deno.chmodSync(path, 0o600);
    replaceFile(path, "--json", '{"a":1}');
    assert.equal(Deno.statSync(path).mode! & 0o7777, 0o600);
    assert.equal(Deno.readTextFileSync(path), '{"a":1}');
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replaceFile() writes a pipe in place instead of replacing it", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const fifo = `${dir}/pipe`;
    if (!makeFifo(fifo)) {
      // deno-lint-ignore no-console
      console.warn("skipped: mkfifo is not available");
      return;
    }
    // Open for reading and writing, so that neither end blocks waiting for the other.
    using reader = Deno.openSync(fifo, { read: true, write: true });
    checkReplaceable(fifo, "--json");
    replaceFile(fifo, "--json", "hello\n");
    // Checked first: reading a pipe that was replaced would wait forever.
    assert.equal(Deno.lstatSync(fifo).isFile, false, "the pipe is still a pipe");
    const buffer = new Uint8Array(6);
    assert.equal(reader.readSync(buffer), 6);
    assert.equal(new TextDecoder().decode(buffer), "hello\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("checkReplaceable() refuses a directory before the run", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${dir}/out.json`);
    const expected = (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(
        e.message,
        `Cannot write the file of --json "${dir}/out.json": it is a directory, expected a file`,
      );
      return true;
    };
    assert.throws(() => checkReplaceable(`${dir}/out.json`, "--json"), expected);
    assert.throws(() => replaceFile(`${dir}/out.json`, "--json", "{}"), expected);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.json"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test({
  name: "checkReplaceable() refuses a read-only file before the run",
  // Root with CAP_DAC_OVERRIDE may write any file: nothing to refuse then.
  ignore: writesReadOnlyFiles(),
  fn() {
    const dir = Deno.makeTempDirSync();
    try {
      const path = `${dir}/graph.html`;
      Deno.writeTextFileSync(path, "kept");
      Deno.chmodSync(path, 0o444);
      assert.throws(() => checkReplaceable(path, "-graph"), (e) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /^Cannot write the file of -graph ".*graph\.html": /);
        return true;
      });
      assert.equal(Deno.readTextFileSync(path), "kept");
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("checkReplaceable() refuses a missing folder and leaves nothing behind", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.throws(() => checkReplaceable(`${dir}/missing/graph.html`, "-graph"), {
      name: "UsageError",
      message: new RegExp(`^Cannot write the file of -graph "${dir}/missing/graph\\.html": `),
    });
    checkReplaceable(`${dir}/graph.html`, "-graph");
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("replaceFile() and checkReplaceable() name the user's file, never the sibling", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/missing/x.json`;
    const expected = {
      name: "UsageError",
      message: `Cannot write the file of --json "${path}": No such file or directory (os error 2)`,
    };
    assert.throws(() => checkReplaceable(path, "--json"), expected);
    assert.throws(() => replaceFile(path, "--json", "{}"), expected);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("query run and checkout load: a --json in a missing folder is one line naming it", async (t) => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/nodir/x.json`;
  const cases = {
    "query run": ["query", "run", "--url", "postgres://127.0.0.1:1/x", "--json", path],
    "checkout load": ["checkout", "load", "--gateway", "http://127.0.0.1:1", "--json", path],
  };
  try {
    for (const [name, args] of Object.entries(cases)) {
      await t.step(name, async () => {
        const io = new BufferedIo();
        const code = await main(args, { io, signal: new AbortController().signal, env: {} });
        assert.equal(code, 2);
        assert.deepEqual(io.stderr, [
          `error: Cannot write the file of --json "${path}": No such file or directory (os error 2)`,
        ]);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
