/**
 * Resolves Apache Cassandra's runtime jars from Maven Central with `mvn` and the `pom.xml` beside
 * this file, into a cache outside the repository that later runs reuse.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The pinned `org.apache.cassandra:cassandra-all` version (also in pom.xml). */
export const CASSANDRA_VERSION = "5.0.6";

/** A tool the harness needs is missing: the message names what to install. */
export class MissingToolError extends Error {
  /**
   * @param message One line naming the tool and how to install it.
   */
  constructor(message: string) {
    super(message);
    this.name = "MissingToolError";
  }
}

/** The resolved jars: the folder to put on the class path and the jamm agent within it. */
export interface CassandraJars {
  /** The folder holding every runtime jar. */
  readonly libDir: string;
  /** The jamm jar, started as `-javaagent:` (Cassandra measures its memory with it). */
  readonly jammJar: string;
}

/** Where the jars are kept: `$STRESS_CASSANDRA_CACHE`, else `~/.cache/stress/cassandra-<v>`. */
export function cassandraCacheDir(): string {
  const explicit = Deno.env.get("STRESS_CASSANDRA_CACHE");
  if (explicit) return explicit;
  const home = Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME") ?? "/tmp"}/.cache`;
  return `${home}/stress/cassandra-${CASSANDRA_VERSION}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function findJamm(libDir: string): Promise<string | null> {
  for await (const entry of Deno.readDir(libDir)) {
    if (/^jamm-.*\.jar$/.test(entry.name)) return `${libDir}/${entry.name}`;
  }
  return null;
}

async function runMaven(libDir: string): Promise<void> {
  const pom = fileURLToPath(new URL("./pom.xml", import.meta.url));
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("mvn", {
      args: [
        "-q",
        "-B",
        "-f",
        pom,
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        `-DoutputDirectory=${libDir}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new MissingToolError(
        "Cannot resolve Cassandra's jars: Maven (mvn) is not installed; install it (apt-get install maven)",
      );
    }
    throw error;
  }
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const last = text.trim().split("\n").slice(-3).join(" | ");
    throw new Error(`Cannot resolve Cassandra's jars: mvn failed (${last})`);
  }
}

/**
 * The jars of `cassandra-all` and its runtime dependencies, downloaded once into the cache.
 *
 * @example Usage
 * ```ts ignore
 * import { resolveCassandraJars } from "./cassandra_jars.ts";
 * const jars = await resolveCassandraJars();
 * console.log(jars.libDir);
 * ```
 */
export async function resolveCassandraJars(): Promise<CassandraJars> {
  const cacheDir = cassandraCacheDir();
  const libDir = `${cacheDir}/lib`;
  const marker = `${cacheDir}/complete`;
  await Deno.mkdir(libDir, { recursive: true });
  // Nodes started side by side (the test runner starts two) resolve one after the other.
  const lock = await Deno.open(`${cacheDir}/.lock`, { read: true, write: true, create: true });
  try {
    await lock.lock(true);
    if (!await exists(marker)) {
      await runMaven(libDir);
      await Deno.writeTextFile(marker, `cassandra-all ${CASSANDRA_VERSION}\n`);
    }
  } finally {
    lock.close();
  }
  const jammJar = await findJamm(libDir);
  if (jammJar === null) throw new Error(`Cannot start Cassandra: no jamm jar in ${libDir}`);
  return { libDir, jammJar };
}

/**
 * The `java` of a JDK 17: `$JAVA17_HOME`, Debian's OpenJDK 17, or `java` on PATH when it is 17.
 *
 * @example Usage
 * ```ts ignore
 * import { findJava17 } from "./cassandra_jars.ts";
 * console.log(await findJava17());
 * ```
 */
export async function findJava17(): Promise<string> {
  const home = Deno.env.get("JAVA17_HOME");
  // An explicit JAVA17_HOME is the only candidate: a wrong one is reported, not worked around.
  const candidates = home ? [`${home}/bin/java`] : [
    "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
    "/usr/lib/jvm/java-17-openjdk-arm64/bin/java",
    "/usr/lib/jvm/java-17-openjdk/bin/java",
    Deno.env.get("JAVA_HOME") ? `${Deno.env.get("JAVA_HOME")}/bin/java` : null,
    "java",
  ];
  for (const java of candidates) {
    if (java === null) continue;
    if (await javaMajor(java) === 17) return java;
  }
  throw new MissingToolError(
    "Cannot start Cassandra: Java 17 is not installed; install it (apt-get install openjdk-17-jdk-headless) or set JAVA17_HOME",
  );
}

async function javaMajor(java: string): Promise<number | null> {
  try {
    const output = await new Deno.Command(java, {
      args: ["-version"],
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stderr);
    const match = text.match(/version "(\d+)/);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}
