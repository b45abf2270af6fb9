/**
 * The message browser's filter: a case-insensitive substring searched in a record's key, its
 * value, or its headers (names and values), each read as UTF-8 text (invalid bytes become
 * U+FFFD, so binary records can still match on their readable parts).
 */
import type { ConsumedRecord } from "../broker/types.ts";

/** Where a filter looks. */
export interface FilterFields {
  key: boolean;
  value: boolean;
  headers: boolean;
}

/** A compiled filter: `matches(record)`. */
export interface RecordFilter {
  matches(record: ConsumedRecord): boolean;
}

const lossyUtf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

function contains(bytes: Uint8Array | null, needle: string): boolean {
  return bytes !== null && bytes.byteLength > 0 && lossyUtf8.decode(bytes).toLowerCase().includes(needle);
}

/**
 * Builds a filter.
 *
 * @param text the substring to look for; "" matches every record
 * @param fields where to look (at least one)
 * @returns the filter
 * @example
 * ```ts
 * const filter = recordFilter("alice", { key: true, value: true, headers: false });
 * filter.matches(record);
 * ```
 */
export function recordFilter(text: string, fields: FilterFields): RecordFilter {
  const needle = text.toLowerCase();
  if (needle === "") return { matches: () => true };
  return {
    matches(record) {
      if (fields.key && contains(record.key, needle)) return true;
      if (fields.value && contains(record.value, needle)) return true;
      if (fields.headers) {
        for (const [name, value] of record.headers) {
          if (name.toLowerCase().includes(needle) || contains(value, needle)) return true;
        }
      }
      return false;
    },
  };
}
