import assert from "node:assert/strict";
import { ScramSha256 } from "../../../lib/query/driver/scram_sha_256.ts";

const SERVER_FIRST =
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

Deno.test("ScramSha256 computes the RFC 7677 proof and checks the server signature", async () => {
  const scram = new ScramSha256("pencil", { user: "user", nonce: "rOprNGfwEbeRWgbNEkqO" });
  assert.equal(scram.clientFirst(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  assert.equal(
    await scram.clientFinal(SERVER_FIRST),
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  assert.throws(() => scram.verifyServerFinal("e=invalid-proof"), /signature/);
});

Deno.test("ScramSha256 rejects a server nonce that does not extend the client's", async () => {
  const scram = new ScramSha256("pencil", { nonce: "abc" });
  await assert.rejects(scram.clientFinal("r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), /nonce/);
  await assert.rejects(scram.clientFinal("r=abcd,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0"), /invalid/);
});

Deno.test("ScramSha256 makes a fresh random nonce per exchange", () => {
  const a = new ScramSha256("p").clientFirst();
  const b = new ScramSha256("p").clientFirst();
  assert.match(a, /^n,,n=,r=[A-Za-z0-9+/=]{24}$/);
  assert.notEqual(a, b);
});
