import assert from "node:assert/strict";
import { TextFile } from "../../lib/cli/text_file.ts";
import { SMALL_DISK, withSmallDisk } from "./_small_disk.ts";

Deno.test("TextFile.write() appends lines and ignores writes after close()", async () => {
  const path = await Deno.makeTempFile();
  try {
    const file = TextFile.create(path, "-log file");
    file.writeLine("one");
    file.write("two\n");
    file.close();
    file.writeLine("three");
    file.close();
    assert.equal(await Deno.readTextFile(path), "one\ntwo\n");
  } finally {
    await Deno.remove(path);
  }
});

// Regression: a write that a full disk cut short (what fits is written, then ENOSPC) left the
// first half of its text at the end of the file, so an HDR log or `-log file=` ended mid-line.
Deno.test({
  name: "TextFile.write() takes back a write that a full disk cut short",
  ignore: !SMALL_DISK,
  async fn() {
    await withSmallDisk(4096, async (diskDir) => {
      const path = `${diskDir}/run.log`;
      const file = TextFile.create(path, "-log file");
      const line = "x".repeat(99);
      let lines = 0;
      assert.throws(() => {
        for (;;) {
          file.write(`${line}\n`.repeat(7));
          lines += 7;
        }
      }, /No space left on device/);
      file.close();
      const text = await Deno.readTextFile(path);
      assert.ok(lines > 0);
      assert.equal(text, `${line}\n`.repeat(lines));
    });
  },
});
