/**
 * Private helper of `query_setup.ts`: streams text chunks into a `COPY ... FROM STDIN`.
 *
 * @module
 */

import type postgres from "postgres";
import { firstLineOf, TargetError } from "../errors.ts";

/**
 * Streams `chunks` into a `COPY ... FROM STDIN` on `tx`. postgres.js 3.4.9 never settles the
 * writable when the server rejects the data after the end of the input (porsager/postgres#1173),
 * so the end is confirmed by a query queued right after `CopyDone`: it fails when the COPY did.
 */
export async function copyInto(
  tx: postgres.TransactionSql,
  statement: string,
  chunks: AsyncIterable<string>,
): Promise<void> {
  const writable = await tx.unsafe(statement).writable();
  let failure: unknown = null;
  const failed = new Promise<never>((_, reject) => {
    writable.once("error", (error) => {
      failure = error;
      reject(error);
    });
  });
  failed.catch(() => {});
  try {
    for await (const chunk of chunks) {
      if (failure !== null) throw failure;
      if (!writable.write(chunk)) {
        await Promise.race([new Promise((resolve) => writable.once("drain", resolve)), failed]);
      }
    }
  } catch (error) {
    if (failure === null) writable.destroy(error instanceof Error ? error : new Error(`${error}`));
    throw error;
  }
  const copyDoneSent = new Promise<void>((resolve) => {
    const final = writable._final!.bind(writable);
    writable._final = (callback) => {
      final(callback);
      resolve();
    };
  });
  const finished = new Promise<void>((resolve) => writable.once("finish", () => resolve()));
  writable.end();
  await Promise.race([copyDoneSent, failed]);
  try {
    await tx`SELECT 1`;
  } catch (error) {
    throw new TargetError(
      `Cannot load cpu_usage: the server rejected the data (${firstLineOf(error)})`,
      { cause: error },
    );
  }
  await Promise.race([finished, failed]);
}
