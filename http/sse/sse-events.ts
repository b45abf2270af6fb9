/** Server-Sent Events framing for records, keep-alives and problems. */
import type { ConsumedRecord } from "../../broker/types.ts";
import type { Problem } from "../problem.ts";
import { writeRecordJson, writerFor } from "../records/json-records-bytes.ts";

/** A comment line that keeps proxies and clients from timing the stream out. */
export const keepAliveEvent = ":\n\n";

/**
 * Records as one block of events, `id` = offset and `data` = the record's JSON on one line,
 * rendered straight to UTF-8 bytes.
 *
 * @param records consumed records, in offset order
 * @returns the event bytes, ready for a single write
 */
export function recordEventBytes(records: readonly ConsumedRecord[]): Uint8Array<ArrayBuffer> {
  const w = writerFor(records);
  for (const record of records) {
    w.ascii(`id: ${record.offset}\ndata: `);
    writeRecordJson(w, record);
    w.ascii("\n\n");
  }
  return w.view();
}

/** A `problem` event carrying an RFC 9457 problem, sent before the server ends a stream. */
export function problemEvent(problem: Problem): string {
  return `event: problem\ndata: ${JSON.stringify(problem)}\n\n`;
}
