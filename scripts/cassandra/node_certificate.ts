/**
 * A self-signed certificate for a test node's client TLS, made with the JDK's `keytool`: a PKCS12
 * key store for the node, and the certificate as PEM for clients (`-transport truststore=`).
 *
 * @module
 */

/** The files of a node's certificate. */
export interface NodeCertificate {
  /** The node's PKCS12 key store (key and certificate). */
  readonly keystore: string;
  /** The key store's password. */
  readonly password: string;
  /** The certificate, PEM: what a client trusts. */
  readonly certPem: string;
}

async function keytool(keytoolPath: string, args: string[]): Promise<void> {
  const output = await new Deno.Command(keytoolPath, { args, stdout: "piped", stderr: "piped" })
    .output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1);
    throw new Error(`Cannot make the node's certificate: keytool failed (${text})`);
  }
}

/**
 * Writes `node-keystore.p12` and `node-cert.pem` into `dir`, for CN and SAN 127.0.0.1.
 *
 * @example Usage
 * ```ts ignore
 * import { makeNodeCertificate } from "./node_certificate.ts";
 * const cert = await makeNodeCertificate("/tmp/node", "/usr/lib/jvm/java-17-openjdk-amd64/bin/keytool");
 * console.log(cert.certPem);
 * ```
 */
export async function makeNodeCertificate(
  dir: string,
  keytoolPath: string,
): Promise<NodeCertificate> {
  const keystore = `${dir}/node-keystore.p12`;
  const certPem = `${dir}/node-cert.pem`;
  const password = "cassandra";
  const store = ["-keystore", keystore, "-storetype", "PKCS12", "-storepass", password];
  await keytool(keytoolPath, [
    "-genkeypair",
    "-alias",
    "node",
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-validity",
    "7",
    "-dname",
    "CN=127.0.0.1",
    "-ext",
    "SAN=ip:127.0.0.1",
    ...store,
    "-keypass",
    password,
  ]);
  await keytool(keytoolPath, ["-exportcert", "-rfc", "-alias", "node", ...store, "-file", certPem]);
  return { keystore, password, certPem };
}
