// The faults the server injects: none by default, checked when changed, and the error answered
// for each injected error kind.
import { CqlError } from "../protocol/cql_error.ts";
import { CONSISTENCY_NAMES, ERROR_CODE } from "../../protocol/protocol_codes.ts";
import type { FaultOptions, InjectedErrorKind } from "./cql_server_options.ts";

/** No latency, no stall, no injected error, no dropped connection. */
export const NO_FAULTS: Readonly<FaultOptions> = {
  latencyUs: null,
  stall: null,
  errorRate: 0,
  errorKinds: ["overloaded"],
  dropRate: 0,
};

/**
 * The faults in force after `changes` (fields not given keep their value in `current`).
 *
 * @throws {RangeError} When a rate is outside 0..1 or a stall is not shorter than its period.
 */
export function mergeFaults(current: FaultOptions, changes: Partial<FaultOptions>): FaultOptions {
  const f = { ...current, ...changes };
  if (!(f.errorRate >= 0 && f.errorRate <= 1 && f.dropRate >= 0 && f.dropRate <= 1)) {
    throw new RangeError("Cannot set faults: rates must be between 0 and 1");
  }
  if (
    f.stall && !(f.stall.everyMs > 0 && f.stall.forMs >= 0 && f.stall.forMs < f.stall.everyMs)
  ) {
    throw new RangeError("Cannot set faults: a stall must be shorter than its period");
  }
  return f;
}

/** The error answered for an injected error of `kind`. */
export function injectedError(kind: InjectedErrorKind): CqlError {
  const one = CONSISTENCY_NAMES.indexOf("ONE");
  switch (kind) {
    case "overloaded":
      return new CqlError(
        ERROR_CODE.overloaded,
        "Server is in overloaded state. Cannot accept more requests at this point (injected)",
      );
    case "read_timeout":
      return new CqlError(
        ERROR_CODE.readTimeout,
        "Operation timed out - received only 0 responses. (injected)",
        { consistency: one, received: 0, required: 1, dataPresent: false },
      );
    case "write_timeout":
      return new CqlError(
        ERROR_CODE.writeTimeout,
        "Operation timed out - received only 0 responses. (injected)",
        { consistency: one, received: 0, required: 1, writeType: "SIMPLE" },
      );
    case "unavailable":
      return new CqlError(
        ERROR_CODE.unavailable,
        "Cannot achieve consistency level ONE (injected)",
        { consistency: one, required: 1, received: 0 },
      );
    default:
      return new CqlError(ERROR_CODE.serverError, "Injected server error");
  }
}
