/** Every API's handler, by name: the listener's one dispatch table. */
import type { Handler } from "../handler-context.ts";
import type { ImplementedApi } from "../protocol/apis.ts";
import { handleApiVersions } from "./api-versions.ts";
import { handleCreateTopics } from "./create-topics.ts";
import { handleDeleteTopics } from "./delete-topics.ts";
import { handleDescribeGroups } from "./describe-groups.ts";
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
import { handleProduce } from "./produce.ts";
import { handleSaslAuthenticate } from "./sasl-authenticate.ts";
import { handleSaslHandshake } from "./sasl-handshake.ts";
import { handleSyncGroup } from "./sync-group.ts";

/** The handler of each implemented API. */
export const handlers: { readonly [N in ImplementedApi]: Handler<N> } = {
  ApiVersions: handleApiVersions,
  Metadata: handleMetadata,
  Produce: handleProduce,
  Fetch: handleFetch,
  ListOffsets: handleListOffsets,
  OffsetCommit: handleOffsetCommit,
  OffsetFetch: handleOffsetFetch,
  FindCoordinator: handleFindCoordinator,
  JoinGroup: handleJoinGroup,
  Heartbeat: handleHeartbeat,
  LeaveGroup: handleLeaveGroup,
  SyncGroup: handleSyncGroup,
  DescribeGroups: handleDescribeGroups,
  ListGroups: handleListGroups,
  CreateTopics: handleCreateTopics,
  DeleteTopics: handleDeleteTopics,
  InitProducerId: handleInitProducerId,
  SaslHandshake: handleSaslHandshake,
  SaslAuthenticate: handleSaslAuthenticate,
};
