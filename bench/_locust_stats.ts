// Reads the `Aggregated` row of the `<prefix>_stats.csv` file that locust writes with
// `--csv <prefix>` (checked on locust 2.47.0): requests, failures, requests/s and the 50th and
// 99th percentiles, as locust computed them. Pure; used by bench/checkout_load_vs_locust.ts.

/** The totals of one locust run, from its stats CSV. */
export interface LocustStats {
  /** `Request Count`. */
  requests: number;
  /** `Failure Count`. */
  failures: number;
  /** `Requests/s`: requests over the time from the start to the last request. */
  requestsPerSec: number;
  /**
   * `50%`, in ms: locust's percentiles are whole ms, and over 100 ms rounded to 2 significant
   * digits. NaN when locust wrote `N/A` (no requests).
   */
  p50Ms: number;
  /** `99%`, in ms, rounded as `p50Ms`; NaN when locust wrote `N/A`. */
  p99Ms: number;
}

/** Splits one CSV line into fields; a quoted field may hold commas and doubled quotes. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** A number of the CSV (`N/A` and empty fields are NaN). */
function csvNumber(text: string | undefined): number {
  return text === undefined || text === "" || text === "N/A" ? NaN : Number(text);
}

/**
 * The `Aggregated` row of a locust stats CSV.
 *
 * @param csv The text of `<prefix>_stats.csv`.
 * @returns Its totals, or null when the header or the `Aggregated` row is missing.
 *
 * @example Usage
 * ```ts ignore
 * const stats = locustStats(await Deno.readTextFile(`${dir}/run_stats.csv`));
 * ```
 */
export function locustStats(csv: string): LocustStats | null {
  const lines = csv.split(/\r?\n/).filter((line) => line !== "").map(csvFields);
  if (lines.length === 0) return null;
  const header = lines[0];
  const aggregated = lines.find((fields) => fields[1] === "Aggregated");
  if (aggregated === undefined) return null;
  const column = (name: string) => {
    const index = header.indexOf(name);
    return index < 0 ? NaN : csvNumber(aggregated[index]);
  };
  const stats: LocustStats = {
    requests: column("Request Count"),
    failures: column("Failure Count"),
    requestsPerSec: column("Requests/s"),
    p50Ms: column("50%"),
    p99Ms: column("99%"),
  };
  return Number.isNaN(stats.requests) || Number.isNaN(stats.failures) ? null : stats;
}
