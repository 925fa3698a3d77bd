import assert from "node:assert/strict";
import { TextFile } from "../../lib/cli/text_file.ts";

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
