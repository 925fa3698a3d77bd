/**
 * The client side of SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL uses it for SASL
 * authentication, without channel binding (`n,,`). Uses Web Crypto (PBKDF2, HMAC, SHA-256).
 * The password is used as given (no SASLprep; ASCII passwords are unaffected).
 *
 * @module
 */

const encoder = new TextEncoder();

async function hmac(key: Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(text)));
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) map.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return map;
}

/**
 * One SCRAM-SHA-256 exchange: `clientFirst()`, then `clientFinal(serverFirst)`, then
 * `verifyServerFinal(serverFinal)`.
 *
 * @example Usage
 * ```ts
 * import assert from "node:assert/strict";
 * import { ScramSha256 } from "./scram_sha_256.ts";
 *
 * // The test vector of RFC 7677 section 3.
 * const scram = new ScramSha256("pencil", { user: "user", nonce: "rOprNGfwEbeRWgbNEkqO" });
 * assert.equal(scram.clientFirst(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
 * const final = await scram.clientFinal(
 *   "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
 * );
 * assert.equal(
 *   final,
 *   "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
 *     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
 * );
 * scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
 * assert.throws(() => scram.verifyServerFinal("v=AAAA"), /signature/);
 * ```
 */
export class ScramSha256 {
  #password: string;
  #nonce: string;
  #clientFirstBare: string;
  #expectedServerSignature = "";

  /**
   * Starts an exchange.
   *
   * @param password The user's password.
   * @param options `user`: the SCRAM user name (PostgreSQL ignores it and uses the startup
   * message's, so `""` by default); `nonce`: the client nonce (random by default).
   */
  constructor(password: string, options: { user?: string; nonce?: string } = {}) {
    this.#password = password;
    this.#nonce = options.nonce ?? crypto.getRandomValues(new Uint8Array(18)).toBase64();
    this.#clientFirstBare = `n=${options.user ?? ""},r=${this.#nonce}`;
  }

  /**
   * The client-first message (the SASLInitialResponse data).
   *
   * @returns `n,,n=<user>,r=<nonce>`.
   */
  clientFirst(): string {
    return `n,,${this.#clientFirstBare}`;
  }

  /**
   * Computes the client-final message from the server-first one.
   *
   * @param serverFirst The server's `r=...,s=...,i=...` message.
   * @returns The client-final message with the proof.
   * @throws {Error} When the server's message is malformed or its nonce does not extend ours.
   */
  async clientFinal(serverFirst: string): Promise<string> {
    const attrs = attributes(serverFirst);
    const nonce = attrs.get("r") ?? "";
    const salt = attrs.get("s");
    const iterations = Number(attrs.get("i"));
    if (!nonce.startsWith(this.#nonce) || salt === undefined || !(iterations > 0)) {
      throw new Error(
        `Cannot authenticate with SCRAM-SHA-256: the server's first message "${serverFirst}" ` +
          `is invalid, expected r=<nonce>,s=<salt>,i=<iterations>`,
      );
    }
    const baseKey = await crypto.subtle.importKey(
      "raw",
      encoder.encode(this.#password),
      "PBKDF2",
      false,
      ["deriveBits"],
    );
    const salted = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: Uint8Array.fromBase64(salt), iterations },
        baseKey,
        256,
      ),
    );
    const clientKey = await hmac(salted, "Client Key");
    const storedKey = new Uint8Array(await crypto.subtle.digest("SHA-256", clientKey));
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = await hmac(storedKey, authMessage);
    const proof = clientKey.map((byte, i) => byte ^ clientSignature[i]);
    const serverKey = await hmac(salted, "Server Key");
    this.#expectedServerSignature = (await hmac(serverKey, authMessage)).toBase64();
    return `${withoutProof},p=${proof.toBase64()}`;
  }

  /**
   * Checks the server's signature, which proves that it knows the password too.
   *
   * @param serverFinal The server's `v=<signature>` message.
   * @throws {Error} When the signature is not the expected one (or the server sent `e=`).
   */
  verifyServerFinal(serverFinal: string): void {
    const signature = attributes(serverFinal).get("v");
    if (signature === undefined || signature !== this.#expectedServerSignature) {
      throw new Error(
        `Cannot authenticate with SCRAM-SHA-256: the server's signature in "${serverFinal}" ` +
          `is wrong, expected v=${this.#expectedServerSignature}`,
      );
    }
  }
}
