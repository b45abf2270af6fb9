/** Every API's handler, by name: the listener's one dispatch table. */
import type { Handler } from "../handler-context.ts";
import type { ImplementedApi } from "../protocol/apis.ts";
import { handleAddOffsetsToTxn } from "./add-offsets-to-txn.ts";
import { handleAddPartitionsToTxn } from "./add-partitions-to-txn.ts";
import { handleApiVersions } from "./api-versions.ts";
import { withGroupOperations, withMetadataOperations } from "./authorized-operations.ts";
import { batchedFindCoordinator, batchedOffsetFetch } from "./batched.ts";
import { handleCreatePartitions } from "./create-partitions.ts";
import { handleCreateTopics } from "./create-topics.ts";
import { handleDeleteTopics } from "./delete-topics.ts";
import { handleDescribeConfigs } from "./describe-configs.ts";
import { handleDescribeGroups } from "./describe-groups.ts";
import { handleEndTxn } from "./end-txn.ts";
import { handleFetch } from "./fetch.ts";
import { handleFindCoordinator } from "./find-coordinator.ts";
import { handleHeartbeat } from "./heartbeat.ts";
import { handleInitProducerId } from "./init-producer-id.ts";
import { handleJoinGroup } from "./join-group.ts";
import { handleLeaveGroup } from "./leave-group.ts";
import { handleListGroups } from "./list-groups.ts";
import { handleListOffsets } from "./list-offsets.ts";
import { handleMetadata } from "./metadata.ts";
import { handleOffsetCommit } from "./offset-commit.ts";
import { handleOffsetFetch } from "./offset-fetch.ts";
import { handleOffsetForLeaderEpoch } from "./offset-for-leader-epoch.ts";
import { handleProduce } from "./produce.ts";
import { handleSaslAuthenticate } from "./sasl-authenticate.ts";
import { handleSaslHandshake } from "./sasl-handshake.ts";
import { handleSyncGroup } from "./sync-group.ts";
import { handleTxnOffsetCommit } from "./txn-offset-commit.ts";
import { handleWriteTxnMarkers } from "./write-txn-markers.ts";
import { handleDescribeTransactions, handleListTransactions } from "./describe-transactions.ts";

/** The handler of each implemented API. */
export const handlers: { readonly [N in ImplementedApi]: Handler<N> } = {
  ApiVersions: handleApiVersions,
  Metadata: withMetadataOperations(handleMetadata),
  Produce: handleProduce,
  Fetch: handleFetch,
  ListOffsets: handleListOffsets,
  OffsetCommit: handleOffsetCommit,
  OffsetFetch: batchedOffsetFetch(handleOffsetFetch),
  FindCoordinator: batchedFindCoordinator(handleFindCoordinator),
  JoinGroup: handleJoinGroup,
  Heartbeat: handleHeartbeat,
  LeaveGroup: handleLeaveGroup,
  SyncGroup: handleSyncGroup,
  DescribeGroups: withGroupOperations(handleDescribeGroups),
  ListGroups: handleListGroups,
  CreateTopics: handleCreateTopics,
  DeleteTopics: handleDeleteTopics,
  InitProducerId: handleInitProducerId,
  DescribeConfigs: handleDescribeConfigs,
  CreatePartitions: handleCreatePartitions,
  SaslHandshake: handleSaslHandshake,
  SaslAuthenticate: handleSaslAuthenticate,
  OffsetForLeaderEpoch: handleOffsetForLeaderEpoch,
  AddPartitionsToTxn: handleAddPartitionsToTxn,
  AddOffsetsToTxn: handleAddOffsetsToTxn,
  EndTxn: handleEndTxn,
  TxnOffsetCommit: handleTxnOffsetCommit,
  WriteTxnMarkers: handleWriteTxnMarkers,
  DescribeTransactions: handleDescribeTransactions,
  ListTransactions: handleListTransactions,
};
