/**
 * WriteTxnMarkers v0, both sides: the partition leader decodes the request and encodes the
 * answer; the coordinator (kafka/txn-marker-channel.ts) encodes the request and decodes it.
 *
 * ```
 * WriteTxnMarkers Request (Version: 0) => [markers]
 *   markers => producer_id producer_epoch transaction_result [topics] coordinator_epoch
 *     producer_id => INT64
 *     producer_epoch => INT16
 *     transaction_result => BOOLEAN
 *     topics => name [partition_indexes]
 *       name => STRING
 *       partition_indexes => INT32
 *     coordinator_epoch => INT32
 * WriteTxnMarkers Response (Version: 0) => [markers]
 *   markers => producer_id [topics]
 *     producer_id => INT64
 *     topics => name [partitions]
 *       name => STRING
 *       partitions => partition_index error_code
 *         partition_index => INT32
 *         error_code => INT16
 * ```
 */
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from "./types.ts";

export function decodeRequest(reader: Reader): WriteTxnMarkersRequest {
  const markers = reader.array((r) => {
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const committed = r.boolean();
    const topics = r.array((t) => ({ name: t.string(), partitions: t.int32Array() }), 6);
    return { producerId, producerEpoch, committed, topics, coordinatorEpoch: r.int32() };
  }, 19);
  return { markers };
}

export function encodeResponse(writer: Writer, response: WriteTxnMarkersResponse): void {
  writer.array(response.markers, (w, marker) => {
    w.int64(marker.producerId);
    w.array(marker.topics, (tw, topic) => {
      tw.string(topic.name);
      tw.array(topic.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
    });
  });
}

/** The coordinator's side: the request. */
export function encodeRequest(writer: Writer, request: WriteTxnMarkersRequest): void {
  writer.array(request.markers, (w, marker) => {
    w.int64(marker.producerId).int16(marker.producerEpoch).boolean(marker.committed);
    w.array(marker.topics, (tw, topic) => {
      tw.string(topic.name);
      tw.array(topic.partitions, (pw, p) => pw.int32(p));
    });
    w.int32(marker.coordinatorEpoch);
  });
}

/** The coordinator's side: the answer. */
export function decodeResponse(reader: Reader): WriteTxnMarkersResponse {
  const markers = reader.array((r) => {
    const producerId = r.int64();
    const topics = r.array((t) => ({ name: t.string(), partitions: t.array((p) => ({ partitionIndex: p.int32(), errorCode: p.int16() }), 6) }), 6);
    return { producerId, topics };
  }, 12);
  return { markers };
}
