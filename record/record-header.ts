/**
 * A record header as RecordBatch v2 stores it; the codec's own type, re-exported by the broker
 * facade (broker/types.ts) where records are produced and consumed.
 */

/** A header value on a stored record; names are UTF-8 strings and may repeat. */
export type RecordHeader = [name: string, value: Uint8Array | null];
