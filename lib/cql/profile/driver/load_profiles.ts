/**
 * Reads the profile files of `stress user profile=A.yaml,B.yaml`.
 *
 * @module
 */

import { messageOf, UsageError } from "../../../errors.ts";
import { parseProfile, type ParseProfileOptions } from "../parse_profile.ts";
import { specNameIndex } from "../_spec_names.ts";
import type { StressProfile } from "../stress_profile.ts";

const URI = /^([a-z][a-z0-9+.-]*):/i;

async function readProfileText(path: string, file: string | URL = path): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new UsageError(`Cannot load profile "${path}": ${messageOf(error)}`, { cause: error });
    }
    const scheme = typeof file === "string" ? URI.exec(path)?.[1].toLowerCase() : undefined;
    if (scheme === "file") return await readProfileText(path, new URL(path));
    if (scheme !== undefined && scheme.length > 1) {
      throw new UsageError(
        `Cannot load profile "${path}": "${scheme}:" is not supported, expected a file path or a file:// URI`,
        { cause: error },
      );
    }
    throw new UsageError(`Cannot load profile "${path}": it does not exist`, { cause: error });
  }
}

/**
 * Reads and parses each profile file, in order, and checks that no two share a specname. A path
 * that is not a file may be a `file://` URI, as cassandra-stress allows.
 *
 * @param paths The `profile=` paths.
 * @param options `skipUnsupportedColumns`: see `parseProfile`.
 * @returns The profiles, in the order given.
 * @throws {UsageError} For a missing or unreadable file, a bad profile (see `parseProfile`),
 *   or two profiles with the same specname.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadProfiles } from "./load_profiles.ts";
 * const path = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(path, "keyspace: ks\ntable: t\nqueries: {}\n");
 * const [profile] = await loadProfiles([path]);
 * assert.equal(profile.specName, "ks.t");
 * await assert.rejects(() => loadProfiles([path, path]), /singe YAML file per table/);
 * await Deno.remove(path);
 * ```
 */
export async function loadProfiles(
  paths: readonly string[],
  options: ParseProfileOptions = {},
): Promise<StressProfile[]> {
  const profiles: StressProfile[] = [];
  for (const path of paths) {
    profiles.push(parseProfile(await readProfileText(path), path, options));
  }
  specNameIndex(profiles);
  return profiles;
}
