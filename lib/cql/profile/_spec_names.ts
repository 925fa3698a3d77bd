// Private helper: the specname -> profile index map, refusing a specname used twice.
import { UsageError } from "../../errors.ts";
import type { StressProfile } from "./stress_profile.ts";

/** Maps each specname to its profile's index; throws cassandra-stress's error on a duplicate. */
export function specNameIndex(profiles: readonly StressProfile[]): Map<string, number> {
  const index = new Map<string, number>();
  profiles.forEach((profile, i) => {
    const first = index.get(profile.specName);
    if (first !== undefined) {
      throw new UsageError(
        `Cannot load profile "${profile.fileName}": specname "${profile.specName}" is also the ` +
          `specname of "${profiles[first].fileName}": Must only specify a singe YAML file per ` +
          "table (including keyspace qualifier).",
      );
    }
    index.set(profile.specName, i);
  });
  return index;
}
