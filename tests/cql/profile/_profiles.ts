// Test helper: the profiles of tests/testdata/profiles/.
import { parseProfile } from "../../../lib/cql/profile/parse_profile.ts";
import type { StressProfile } from "../../../lib/cql/profile/stress_profile.ts";

/** The path of a test profile. */
export function profilePath(name: string): string {
  return new URL(`../../testdata/profiles/${name}`, import.meta.url).pathname;
}

/** Reads and parses a test profile. */
export async function readProfile(name: string): Promise<StressProfile> {
  return parseProfile(await Deno.readTextFile(profilePath(name)), name);
}
