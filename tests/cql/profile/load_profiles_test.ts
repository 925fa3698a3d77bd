import assert from "node:assert/strict";
import { loadProfiles } from "../../../lib/cql/profile/driver/load_profiles.ts";
import { UsageError } from "../../../lib/errors.ts";
import { profilePath } from "./_profiles.ts";

async function errorOf(paths: string[]): Promise<string> {
  try {
    await loadProfiles(paths);
  } catch (error) {
    assert.ok(error instanceof UsageError);
    assert.equal(error.exitCode, 2);
    return error.message;
  }
  throw new Error("loadProfiles did not throw");
}

Deno.test("loadProfiles() reads the files in order, paths or file:// URIs", async () => {
  const a = profilePath("spec_a.yaml");
  const profiles = await loadProfiles([a, `file://${profilePath("spec_b.yaml")}`]);
  assert.deepEqual(profiles.map((p) => p.specName), ["alpha_workload", "multi.beta"]);
  assert.equal(profiles[0].fileName, a);
  assert.equal(profiles[1].fileName, `file://${profilePath("spec_b.yaml")}`);
});

Deno.test("loadProfiles() names a missing, unsupported or bad file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const missing = `${dir}/missing.yaml`;
    assert.equal(await errorOf([missing]), `Cannot load profile "${missing}": it does not exist`);
    assert.equal(
      await errorOf([`file://${missing}`]),
      `Cannot load profile "file://${missing}": it does not exist`,
    );
    assert.equal(
      await errorOf(["http://example.invalid/p.yaml"]),
      'Cannot load profile "http://example.invalid/p.yaml": "http:" is not supported, expected ' +
        "a file path or a file:// URI",
    );
    const empty = `${dir}/empty.yaml`;
    await Deno.writeTextFile(empty, "");
    assert.equal(
      await errorOf([profilePath("keyvalue.yaml"), empty]),
      `Cannot load profile "${empty}": it is empty, expected keyspace, table and queries`,
    );
    assert.match(await errorOf([dir]), new RegExp(`^Cannot load profile "${dir}": .+`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadProfiles() refuses two files with one specname", async () => {
  const a = profilePath("spec_a.yaml");
  const dir = await Deno.makeTempDir();
  try {
    const copy = `${dir}/copy.yaml`;
    await Deno.copyFile(a, copy);
    assert.equal(
      await errorOf([a, profilePath("spec_b.yaml"), copy]),
      `Cannot load profile "${copy}": specname "alpha_workload" is also the specname of "${a}": ` +
        "Must only specify a singe YAML file per table (including keyspace qualifier).",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
