/**
 * Private helper of `disk_server.ts`: stores a client's record (event, sample or bye) and logs it.
 *
 * @module
 */

import type { ClientMessage, HelloMessage } from "./protocol/disk_message.ts";
import { formatSize } from "../units/parse_size.ts";
import type { ClientEntry, ServerContext } from "./_disk_server_context.ts";

/**
 * Stores a record of an admitted client; a `bye` also marks the client finished.
 *
 * @param context The run.
 * @param record The client and its record.
 * @returns When the record is stored (durable).
 * @throws {TargetError} When the database fails.
 */
export async function storeRecord(
  context: ServerContext,
  record: { client: ClientEntry; message: Exclude<ClientMessage, HelloMessage> },
): Promise<void> {
  const { store, runId, log } = context;
  const { client, message } = record;
  const receivedAtMs = Date.now();
  if (message.type === "sample") {
    await store.addSample(runId, {
      clientId: client.id,
      seq: message.seq,
      atMs: message.atMs,
      receivedAtMs,
      cpuPercent: message.cpuPercent,
      userMs: message.userMs,
      sysMs: message.sysMs,
      rssBytes: message.rssBytes,
      bytesWritten: message.bytesWritten,
      chunks: message.chunks,
      intervalMs: message.intervalMs,
      histogram: message.histogram,
    });
    log(
      `client ${client.id} sample: writer cpu ${message.cpuPercent.toFixed(1)}%, rss ${
        formatSize(message.rssBytes)
      }, ${
        formatSize(message.bytesWritten, { system: "decimal" })
      } in ${message.chunks} chunks so far`,
    );
    return;
  }
  const kind = message.type === "bye" ? "bye" : message.kind;
  const detail = message.type === "bye" ? {} : message.detail;
  await store.addEvent(runId, {
    clientId: client.id,
    seq: message.seq,
    atMs: message.atMs,
    receivedAtMs,
    kind,
    detail,
  });
  if (message.type === "event") {
    log(`client ${client.id} ${message.kind}: ${JSON.stringify(detail)}`);
  }
  if (message.type === "bye") {
    await store.setClientState(runId, client.id, "finished", receivedAtMs);
  }
}
