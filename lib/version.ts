/**
 * The version of `stress` (kept equal to deno.json's `version` by a test).
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = "0.1.0";
