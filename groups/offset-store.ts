/**
 * Where the group coordinator keeps committed offsets: a port the coordinator owns, implemented
 * by `OffsetLog` (the internal `__consumer_offsets` topic) and by the tests' stores.
 */
import type { CommittedOffset } from "../broker/group-api.ts";

/** Durable storage of committed offsets (an internal compacted topic in the broker). */
export interface OffsetStore {
  /** Every committed offset, latest per group/topic/partition, as stored. */
  load(): Promise<Array<CommittedOffset & { groupId: string }>>;
  /** Appends commits durably; resolves once acknowledged. */
  append(entries: Array<CommittedOffset & { groupId: string }>): Promise<void>;
}
