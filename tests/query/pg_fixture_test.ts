import assert from "node:assert/strict";
import postgres from "postgres";
import { EMBEDDED_POSTGRES_VERSION, startPostgres } from "./_pg_fixture.ts";

async function refusesConnections(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch (error) {
    return error instanceof Deno.errors.ConnectionRefused;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

Deno.test("startPostgres() serves queries and stop() ends the server and removes its directory", async () => {
  const server = await startPostgres();
  let dataDir: string;
  try {
    assert.equal(server.url, `postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const sql = postgres(server.url, { max: 1, onnotice: () => {} });
    try {
      const [{ version }] = await sql<{ version: string }[]>`SELECT version()`;
      assert.match(version, /^PostgreSQL \d+/);
      if (Deno.env.get("STRESS_TEST_PG") === "embedded") {
        // The pinned package's version is "<major>.<minor>.0-beta.<n>" for PostgreSQL major.minor.
        const [major, minor] = EMBEDDED_POSTGRES_VERSION.split(".");
        assert.match(version, new RegExp(`^PostgreSQL ${major}\\.${minor}\\b`));
      }
      const [{ fsync }] = await sql<{ fsync: string }[]>`SHOW fsync`;
      assert.equal(fsync, "off");
      const [{ address }] = await sql<
        { address: string }[]
      >`SELECT host(inet_server_addr()) AS address`;
      assert.equal(address, "127.0.0.1");
      const [{ data_directory }] = await sql<
        { data_directory: string }[]
      >`SHOW data_directory`;
      dataDir = data_directory;
    } finally {
      await sql.end({ timeout: 1 });
    }
    const tempDir = dataDir.slice(0, dataDir.lastIndexOf("/"));
    assert.match(tempDir, /\/stress_pg_[^/]+$/);
    assert.ok(await exists(dataDir), `expected "${dataDir}" to exist while the server runs`);
    assert.equal(await refusesConnections(server.port), false);
  } catch (error) {
    await server.stop();
    throw error;
  }
  await server.stop();
  assert.ok(await refusesConnections(server.port), `port ${server.port} still accepts`);
  const tempDir = dataDir.slice(0, dataDir.lastIndexOf("/"));
  assert.equal(await exists(tempDir), false, `"${tempDir}" is still there`);
});
