/**
 * Control batches: the commit and abort markers a transaction leaves in each partition it wrote
 * to (Kafka's end-transaction markers). A control batch is a RecordBatch v2 with the
 * `transactional` and `control` attribute bits set, the producer id and epoch of the
 * transaction, no sequence (-1), and exactly one record:
 *
 * ```
 * key   = version int16 (0) | type int16 (0 abort, 1 commit)
 * value = version int16 (0) | coordinatorEpoch int32
 * ```
 *
 * Readers never show a control record as data; read_committed readers use abort markers to end
 * the aborted transactions they skip. Pure functions, safe on any thread.
 */
import { RivuletError } from "../core/errors.ts";
import { Attributes } from "./batch-layout.ts";
import type { BatchHeader } from "./batch-header.ts";
import { decodeRecords } from "./record-batch-decoder.ts";
import { encodeRecordBatch } from "./record-batch-encoder.ts";

/** Control record types (the int16 in the key). */
export const ControlType = { abort: 0, commit: 1 } as const;

/** The version Rivulet writes in a control record's key and value. */
export const CONTROL_RECORD_VERSION = 0;

/** What a control batch says. */
export interface ControlMarker {
  /** True for a commit marker, false for an abort marker. */
  commit: boolean;
  /** The epoch of the transaction coordinator that wrote it. */
  coordinatorEpoch: number;
}

/** What {@link encodeControlBatch} stamps into the batch header. */
export interface ControlBatchOptions extends ControlMarker {
  producerId: number;
  producerEpoch: number;
  /** The marker's timestamp (ms). */
  timestamp: number;
}

/**
 * Encodes a commit or abort marker as one control batch (base offset 0: the log stamps it).
 * @throws {RivuletError} `invalid_request` for a producer id, epoch or coordinator epoch out of range
 */
export function encodeControlBatch(options: ControlBatchOptions): Uint8Array {
  const { producerId, producerEpoch, coordinatorEpoch, timestamp } = options;
  if (!Number.isSafeInteger(producerId) || producerId < 0) throw new RivuletError("invalid_request", `a control batch needs a producer id ≥ 0, got ${producerId}`);
  if (!Number.isInteger(producerEpoch) || producerEpoch < 0 || producerEpoch > 0x7fff) throw new RivuletError("invalid_request", `a producer epoch is an int16 ≥ 0, got ${producerEpoch}`);
  if (!Number.isInteger(coordinatorEpoch) || coordinatorEpoch < -1 || coordinatorEpoch > 0x7fffffff) throw new RivuletError("invalid_request", `a coordinator epoch is an int32, got ${coordinatorEpoch}`);
  const key = new Uint8Array(4);
  const keyView = new DataView(key.buffer);
  keyView.setInt16(0, CONTROL_RECORD_VERSION);
  keyView.setInt16(2, options.commit ? ControlType.commit : ControlType.abort);
  const value = new Uint8Array(6);
  const valueView = new DataView(value.buffer);
  valueView.setInt16(0, CONTROL_RECORD_VERSION);
  valueView.setInt32(2, coordinatorEpoch);
  return encodeRecordBatch([{ key, value, headers: [], timestamp }], { producerId, producerEpoch, baseSequence: -1, transactional: true, control: true });
}

/** True when the batch header has the control attribute bit. */
export function isControlBatch(header: Pick<BatchHeader, "attributes">): boolean {
  return (header.attributes & Attributes.control) !== 0;
}

/** True when the batch header has the transactional attribute bit. */
export function isTransactionalBatch(header: Pick<BatchHeader, "attributes">): boolean {
  return (header.attributes & Attributes.transactional) !== 0;
}

/**
 * Reads the marker of the control batch at `position`: its one record's key (type) and value
 * (coordinator epoch). A control record of an unknown type (Kafka has others, e.g. leader
 * change) yields null: it is no transaction marker.
 *
 * @throws {RivuletError} `corrupt_record` when the batch has no record or its key is not 4 bytes
 */
export function readControlMarker(bytes: Uint8Array, position = 0): ControlMarker | null {
  const records = decodeRecords(bytes, position);
  const key = records[0]?.key;
  if (!key || key.length < 4) throw new RivuletError("corrupt_record", `a control batch at position ${position} has no control record key`, { position });
  const type = new DataView(key.buffer, key.byteOffset, key.byteLength).getInt16(2);
  if (type !== ControlType.abort && type !== ControlType.commit) return null;
  const value = records[0].value;
  const coordinatorEpoch = value && value.length >= 6 ? new DataView(value.buffer, value.byteOffset, value.byteLength).getInt32(2) : -1;
  return { commit: type === ControlType.commit, coordinatorEpoch };
}
