/**
 * Private helper of `pg_wire_client.ts`: the start of a connection, StartupMessage and
 * authentication (trust, cleartext password, MD5, SCRAM-SHA-256 with the server's signature
 * verified), up to the first ReadyForQuery.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { TargetError } from "../../errors.ts";
import type { PgBackendReader } from "./_pg_backend_reader.ts";
import { concat, frontendMessage, int32, PROTOCOL_3_0 } from "./_pg_frontend.ts";
import type { PgUrlParts } from "../../units/split_pg_url.ts";
import { ScramSha256 } from "./scram_sha_256.ts";

const encoder = new TextEncoder();

const AUTH_NAMES: Readonly<Record<number, string>> = {
  2: "Kerberos V5",
  6: "SCM credentials",
  7: "GSSAPI",
  8: "GSSAPI",
  9: "SSPI",
};

/** What {@linkcode pgStartup} needs besides the reader. */
export interface PgStartupOptions {
  /** Where to connect, as whom, and the password. */
  readonly target: PgUrlParts;
  /**
   * The `application_name` startup parameter.
   *
   * @default {"stress"}
   */
  readonly applicationName?: string;
  /**
   * The server's `statement_timeout` in ms; 0 keeps the server's setting.
   *
   * @default {0}
   */
  readonly statementTimeoutMs?: number;
  /** Writes bytes to the connection. */
  readonly write: (bytes: Uint8Array) => Promise<void>;
  /** Receives each ParameterStatus. */
  readonly onParameter: (name: string, value: string) => void;
  /** Receives the BackendKeyData: what a CancelRequest for this session sends. */
  readonly onBackendKey: (key: { processId: number; secretKey: Uint8Array }) => void;
}

function md5Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

/**
 * Startup, authentication, and the messages up to the first ReadyForQuery.
 *
 * @param reader The connection's backend messages.
 * @param options The target, startup parameters, the writer and the parameter sink.
 * @throws {TargetError} When the server asks for a password the URL lacks, or for an
 * authentication method this client does not have.
 * @throws {Error} With `code`: the server's SQLSTATE (`28P01` for a wrong password), or
 * `CONNECTION_CLOSED`.
 */
export async function pgStartup(
  reader: PgBackendReader,
  options: PgStartupOptions,
): Promise<void> {
  const { target, write } = options;
  const params: string[] = [
    "user",
    target.user,
    "database",
    target.database,
    "application_name",
    options.applicationName ?? "stress",
    "TimeZone",
    "UTC",
    "client_encoding",
    "UTF8",
    // Text values the caller can parse: ISO dates, floats that round-trip (before PG 12 too).
    "DateStyle",
    "ISO, MDY",
    "extra_float_digits",
    "3",
  ];
  const timeoutMs = options.statementTimeoutMs ?? 0;
  if (timeoutMs > 0) params.push("statement_timeout", String(Math.round(timeoutMs)));
  const body = concat(int32(PROTOCOL_3_0), ...params, new Uint8Array(1));
  await write(concat(int32(4 + body.length), body));
  let scram: ScramSha256 | null = null;
  for (;;) {
    const type = reader.take();
    if (type < 0) {
      await reader.fill();
      continue;
    }
    switch (type) {
      case 0x52: { // Authentication*
        const { code, data } = reader.authentication();
        if (code === 0) break;
        const password = passwordFor(target, code);
        if (code === 3) {
          await write(frontendMessage("p", concat(password)));
        } else if (code === 5) {
          const inner = md5Hex(password, target.user);
          await write(frontendMessage("p", concat(`md5${md5Hex(inner, data)}`)));
        } else if (code === 10) {
          const mechanisms = reader.decode(data).split("\0").filter((m) => m !== "");
          if (!mechanisms.includes("SCRAM-SHA-256")) {
            throw unsupported(target, `SASL ${mechanisms.join(", ")}`);
          }
          scram = new ScramSha256(password);
          const first = encoder.encode(scram.clientFirst());
          await write(frontendMessage("p", concat("SCRAM-SHA-256", int32(first.length), first)));
        } else if (code === 11 && scram !== null) {
          const final = await scram.clientFinal(reader.decode(data));
          await write(frontendMessage("p", encoder.encode(final)));
        } else if (code === 12 && scram !== null) {
          scram.verifyServerFinal(reader.decode(data));
        } else {
          throw unsupported(target, AUTH_NAMES[code] ?? `method ${code}`);
        }
        break;
      }
      case 0x45: // ErrorResponse: the server closes the connection after it
        throw reader.errorResponse();
      case 0x53:
        options.onParameter(...reader.parameterStatus());
        break;
      case 0x4b: // BackendKeyData
        options.onBackendKey(reader.backendKey());
        break;
      case 0x5a: // ReadyForQuery
        return;
      default: // NoticeResponse, NegotiateProtocolVersion
        break;
    }
  }
}

function passwordFor(target: PgUrlParts, code: number): string {
  if (target.password === "" && [3, 5, 10].includes(code)) {
    throw new TargetError(
      `Cannot authenticate as "${target.user}": the server asks for a password, expected ` +
        `one in the URL (postgres://user:password@host/database)`,
    );
  }
  return target.password;
}

function unsupported(target: PgUrlParts, method: string): TargetError {
  return new TargetError(
    `Cannot authenticate as "${target.user}": the server asks for ${method}, expected ` +
      `trust, password, md5 or SCRAM-SHA-256`,
  );
}
