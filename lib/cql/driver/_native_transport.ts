/**
 * Opens the socket of a native connection: TCP, or TLS with the CA, the client certificate and
 * the host name check of a {@linkcode CqlTlsSpec}, bounded by a connect timeout.
 *
 * @module
 */

import type { CqlTlsSpec } from "../cql_connection_spec.ts";
import { NativeConnectionError } from "../native/native_errors.ts";

export type { CqlTlsSpec } from "../cql_connection_spec.ts";

/** Where and how to open the socket. */
export interface SocketTarget {
  /** Host name or address. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** TLS, or null for plain TCP. */
  readonly tls: CqlTlsSpec | null;
  /** How long the TCP connect and TLS handshake may take, in ms. */
  readonly connectTimeoutMs: number;
}

function tlsOptions(target: SocketTarget, tls: CqlTlsSpec): Deno.ConnectTlsOptions & {
  cert?: string;
  key?: string;
} {
  if ((tls.certPem === null) !== (tls.keyPem === null)) {
    throw new NativeConnectionError(
      `Cannot connect to ${target.host}:${target.port} over TLS: a client certificate needs both its certificate and its key`,
    );
  }
  return {
    hostname: target.host,
    port: target.port,
    ...(tls.caPem === null ? {} : { caCerts: [tls.caPem] }),
    ...(tls.certPem === null || tls.keyPem === null ? {} : { cert: tls.certPem, key: tls.keyPem }),
    ...(tls.checkHostname ? {} : { unsafelyDisableHostnameVerification: true }),
  };
}

/**
 * Opens a TCP or TLS connection within the connect timeout. The TLS handshake completes before
 * it resolves. TLS `ciphers` are not applied (Deno's TLS picks its own suites).
 *
 * @param target Where to connect.
 * @returns The connection.
 * @throws {NativeConnectionError} When it cannot connect in time, or the TLS handshake fails.
 */
export async function openSocket(target: SocketTarget): Promise<Deno.Conn> {
  const address = `${target.host}:${target.port}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const opening = target.tls === null
    ? Deno.connect({ hostname: target.host, port: target.port, transport: "tcp" })
    : Deno.connectTls(tlsOptions(target, target.tls)).then(async (conn) => {
      await conn.handshake();
      return conn;
    });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(
        new NativeConnectionError(
          `Cannot connect to ${address}: no connection within ${target.connectTimeoutMs} ms`,
        ),
      );
    }, target.connectTimeoutMs);
  });
  try {
    return await Promise.race([opening, timeout]);
  } catch (error) {
    if (error instanceof NativeConnectionError) throw error;
    throw new NativeConnectionError(
      `Cannot connect to ${address}: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    // A connection that arrives after the timeout is closed at once.
    if (timedOut) opening.then((conn) => conn.close(), () => {});
  }
}
