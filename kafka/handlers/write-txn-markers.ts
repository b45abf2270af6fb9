/**
 * WriteTxnMarkers (API 27): another broker's transaction coordinator has this broker, the
 * partitions' leader, write commit or abort markers (Kafka's TransactionMarkerChannelManager
 * sends it). Each partition is answered on its own: 0 once its marker is written and
 * acknowledged as the topic's replication demands (acks=all), NOT_LEADER_OR_FOLLOWER from a
 * replica that does not lead it (the coordinator retries at the leader), INVALID_PRODUCER_EPOCH
 * for a marker older than the producer's epoch, UNKNOWN_TOPIC_OR_PARTITION for a partition that
 * is gone. A marker for `__consumer_offsets` ends the transaction's offsets this broker holds
 * as the groups' coordinator (committed or dropped, see TransactionCoordinators.txnOffsetCommit).
 * Only brokers send it: it needs the cluster right (Kafka's CLUSTER_ACTION), else every
 * partition gets CLUSTER_AUTHORIZATION_FAILED.
 */
import { mayCluster } from "../authorize.ts";
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrorCode, kafkaErrors } from "../protocol/error-codes.ts";
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from "../protocol/write-txn-markers/types.ts";
import { OFFSETS_TOPIC } from "../../groups/offset-log.ts";
import { RivuletError } from "../../core/errors.ts";
import { coordinatorOf } from "./transaction-coordinator.ts";

export async function handleWriteTxnMarkers(ctx: HandlerContext, request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
  const allowed = mayCluster(ctx);
  const markers = await Promise.all(request.markers.map(async (marker) => ({
    producerId: marker.producerId,
    topics: await Promise.all(marker.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitions.map(async (partitionIndex) => {
        if (!allowed) return { partitionIndex, errorCode: kafkaErrors.CLUSTER_AUTHORIZATION_FAILED };
        try {
          if (topic.name === OFFSETS_TOPIC) {
            // the transaction's offsets this broker, the groups' coordinator, holds: committed or dropped
            const coordinator = coordinatorOf(ctx);
            if (!coordinator.completeGroupOffsets) throw new RivuletError("not_coordinator", "this broker holds no transaction offsets");
            await coordinator.completeGroupOffsets(marker.producerId, marker.producerEpoch, marker.committed);
            return { partitionIndex, errorCode: 0 };
          }
          await ctx.broker.writeTxnMarkers([{
            topic: topic.name, partition: partitionIndex, producerId: marker.producerId, producerEpoch: marker.producerEpoch,
            coordinatorEpoch: marker.coordinatorEpoch, commit: marker.committed,
          }]);
          return { partitionIndex, errorCode: 0 };
        } catch (error) {
          return { partitionIndex, errorCode: kafkaErrorCode(error) };
        }
      })),
    }))),
  })));
  return { markers };
}
