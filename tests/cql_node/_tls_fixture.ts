/**
 * Private helper for TLS tests: a throwaway certificate authority and a server certificate for
 * 127.0.0.1 and localhost, made with the system's `openssl` into a directory the test owns.
 *
 * @module
 */

/** The files (and the CA's PEM text) {@linkcode makeTestCertificates} writes. */
export interface TestCertificates {
  /** The CA certificate (PEM), for clients' trust stores (`truststore=`, `sslOptions.ca`). */
  caFile: string;
  /** The server certificate (PEM), signed by the CA, SANs IP:127.0.0.1 and DNS:localhost. */
  certFile: string;
  /** The server's private key (PEM, PKCS#8). */
  keyFile: string;
  /** The text of `caFile`. */
  caPem: string;
}

/** Where `openssl` is installed on the test hosts. */
const OPENSSL = "/usr/bin/openssl";

async function openssl(args: string[], cwd: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(OPENSSL, {
    args,
    cwd,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(
      `Cannot run "openssl ${args[0]}": exit code ${code}, ${new TextDecoder().decode(stderr)}`,
    );
  }
}

/**
 * Makes a CA (ca.pem, ca.key) and a server certificate signed by it (server.pem, server.key)
 * in `dir`, valid for one day, with ECDSA P-256 keys (fast to make).
 *
 * @param dir An existing directory (e.g. from `Deno.makeTempDir()`); the caller removes it.
 * @returns The file paths and the CA's PEM text.
 * @throws {Error} When openssl fails.
 */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=stress test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ], dir);
  await openssl([
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  ], dir);
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    [
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "",
    ].join("\n"),
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-set_serial",
    "2",
    "-out",
    "server.pem",
    "-days",
    "1",
    "-extfile",
    "server.ext",
  ], dir);
  const caFile = `${dir}/ca.pem`;
  return {
    caFile,
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    caPem: await Deno.readTextFile(caFile),
  };
}
