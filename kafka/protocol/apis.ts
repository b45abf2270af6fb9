/**
 * The registry of Kafka APIs Rivulet speaks: api key -> name, the contiguous version range it
 * implements, and one codec (pure `decodeRequest` / `encodeResponse`) per version. Choosing a
 * version is one {@link lookup}. ApiVersions advertises exactly these ranges
 * ({@link supportedApiVersions}); kafkajs then uses min(its max, ours) per API and librdkafka
 * the highest version both sides know.
 */
import { apiKeys, type ApiName } from "./api-keys.ts";
import type { ApiVersionRange } from "./api-versions/types.ts";
import type { Reader } from "./reader.ts";
import type { Writer } from "./writer.ts";
import type { ProduceRequest, ProduceResponse } from "./produce/types.ts";
import type { FetchRequest, FetchResponse } from "./fetch/types.ts";
import type { ListOffsetsRequest, ListOffsetsResponse } from "./list-offsets/types.ts";
import type { MetadataRequest, MetadataResponse } from "./metadata/types.ts";
import type { OffsetCommitRequest, OffsetCommitResponse } from "./offset-commit/types.ts";
import type { OffsetFetchRequest, OffsetFetchResponse } from "./offset-fetch/types.ts";
import type { FindCoordinatorRequest, FindCoordinatorResponse } from "./find-coordinator/types.ts";
import type { JoinGroupRequest, JoinGroupResponse } from "./join-group/types.ts";
import type { HeartbeatRequest, HeartbeatResponse } from "./heartbeat/types.ts";
import type { LeaveGroupRequest, LeaveGroupResponse } from "./leave-group/types.ts";
import type { SyncGroupRequest, SyncGroupResponse } from "./sync-group/types.ts";
import type { DescribeGroupsRequest, DescribeGroupsResponse } from "./describe-groups/types.ts";
import type { ListGroupsRequest, ListGroupsResponse } from "./list-groups/types.ts";
import type { ApiVersionsRequest, ApiVersionsResponse } from "./api-versions/types.ts";
import type { CreateTopicsRequest, CreateTopicsResponse } from "./create-topics/types.ts";
import type { DeleteTopicsRequest, DeleteTopicsResponse } from "./delete-topics/types.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "./init-producer-id/types.ts";
import type { DescribeConfigsRequest, DescribeConfigsResponse } from "./describe-configs/types.ts";
import type { CreatePartitionsRequest, CreatePartitionsResponse } from "./create-partitions/types.ts";
import type { SaslHandshakeRequest, SaslHandshakeResponse } from "./sasl-handshake/types.ts";
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from "./sasl-authenticate/types.ts";
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from "./offsets-for-leader-epoch/types.ts";
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from "./add-partitions-to-txn/types.ts";
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from "./add-offsets-to-txn/types.ts";
import type { EndTxnRequest, EndTxnResponse } from "./end-txn/types.ts";
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from "./txn-offset-commit/types.ts";
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from "./write-txn-markers/types.ts";
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from "./describe-transactions/types.ts";
import type { ListTransactionsRequest, ListTransactionsResponse } from "./list-transactions/types.ts";
import * as produceV3 from "./produce/v3.ts";
import * as produceV4 from "./produce/v4.ts";
import * as produceV5 from "./produce/v5.ts";
import * as produceV6 from "./produce/v6.ts";
import * as produceV7 from "./produce/v7.ts";
import * as produceV8 from "./produce/v8.ts";
import * as produceV9 from "./produce/v9.ts";
import * as fetchV4 from "./fetch/v4.ts";
import * as fetchV5 from "./fetch/v5.ts";
import * as fetchV6 from "./fetch/v6.ts";
import * as fetchV7 from "./fetch/v7.ts";
import * as fetchV8 from "./fetch/v8.ts";
import * as fetchV9 from "./fetch/v9.ts";
import * as fetchV10 from "./fetch/v10.ts";
import * as fetchV11 from "./fetch/v11.ts";
import * as fetchV12 from "./fetch/v12.ts";
import * as listOffsetsV1 from "./list-offsets/v1.ts";
import * as listOffsetsV2 from "./list-offsets/v2.ts";
import * as listOffsetsV3 from "./list-offsets/v3.ts";
import * as listOffsetsV4 from "./list-offsets/v4.ts";
import * as listOffsetsV5 from "./list-offsets/v5.ts";
import * as listOffsetsV6 from "./list-offsets/v6.ts";
import * as metadataV0 from "./metadata/v0.ts";
import * as metadataV1 from "./metadata/v1.ts";
import * as metadataV2 from "./metadata/v2.ts";
import * as metadataV3 from "./metadata/v3.ts";
import * as metadataV4 from "./metadata/v4.ts";
import * as metadataV5 from "./metadata/v5.ts";
import * as metadataV6 from "./metadata/v6.ts";
import * as metadataV7 from "./metadata/v7.ts";
import * as metadataV8 from "./metadata/v8.ts";
import * as metadataV9 from "./metadata/v9.ts";
import * as offsetCommitV2 from "./offset-commit/v2.ts";
import * as offsetCommitV3 from "./offset-commit/v3.ts";
import * as offsetCommitV4 from "./offset-commit/v4.ts";
import * as offsetCommitV5 from "./offset-commit/v5.ts";
import * as offsetCommitV6 from "./offset-commit/v6.ts";
import * as offsetCommitV7 from "./offset-commit/v7.ts";
import * as offsetCommitV8 from "./offset-commit/v8.ts";
import * as offsetFetchV1 from "./offset-fetch/v1.ts";
import * as offsetFetchV2 from "./offset-fetch/v2.ts";
import * as offsetFetchV3 from "./offset-fetch/v3.ts";
import * as offsetFetchV4 from "./offset-fetch/v4.ts";
import * as offsetFetchV5 from "./offset-fetch/v5.ts";
import * as offsetFetchV6 from "./offset-fetch/v6.ts";
import * as offsetFetchV7 from "./offset-fetch/v7.ts";
import * as offsetFetchV8 from "./offset-fetch/v8.ts";
import * as findCoordinatorV0 from "./find-coordinator/v0.ts";
import * as findCoordinatorV1 from "./find-coordinator/v1.ts";
import * as findCoordinatorV2 from "./find-coordinator/v2.ts";
import * as findCoordinatorV3 from "./find-coordinator/v3.ts";
import * as findCoordinatorV4 from "./find-coordinator/v4.ts";
import * as joinGroupV0 from "./join-group/v0.ts";
import * as joinGroupV1 from "./join-group/v1.ts";
import * as joinGroupV2 from "./join-group/v2.ts";
import * as joinGroupV3 from "./join-group/v3.ts";
import * as joinGroupV4 from "./join-group/v4.ts";
import * as joinGroupV5 from "./join-group/v5.ts";
import * as joinGroupV6 from "./join-group/v6.ts";
import * as heartbeatV0 from "./heartbeat/v0.ts";
import * as heartbeatV1 from "./heartbeat/v1.ts";
import * as heartbeatV2 from "./heartbeat/v2.ts";
import * as heartbeatV3 from "./heartbeat/v3.ts";
import * as heartbeatV4 from "./heartbeat/v4.ts";
import * as leaveGroupV0 from "./leave-group/v0.ts";
import * as leaveGroupV1 from "./leave-group/v1.ts";
import * as leaveGroupV2 from "./leave-group/v2.ts";
import * as leaveGroupV3 from "./leave-group/v3.ts";
import * as leaveGroupV4 from "./leave-group/v4.ts";
import * as syncGroupV0 from "./sync-group/v0.ts";
import * as syncGroupV1 from "./sync-group/v1.ts";
import * as syncGroupV2 from "./sync-group/v2.ts";
import * as syncGroupV3 from "./sync-group/v3.ts";
import * as syncGroupV4 from "./sync-group/v4.ts";
import * as describeGroupsV0 from "./describe-groups/v0.ts";
import * as describeGroupsV1 from "./describe-groups/v1.ts";
import * as describeGroupsV2 from "./describe-groups/v2.ts";
import * as describeGroupsV3 from "./describe-groups/v3.ts";
import * as describeGroupsV4 from "./describe-groups/v4.ts";
import * as describeGroupsV5 from "./describe-groups/v5.ts";
import * as listGroupsV0 from "./list-groups/v0.ts";
import * as listGroupsV1 from "./list-groups/v1.ts";
import * as listGroupsV2 from "./list-groups/v2.ts";
import * as listGroupsV3 from "./list-groups/v3.ts";
import * as listGroupsV4 from "./list-groups/v4.ts";
import * as apiVersionsV0 from "./api-versions/v0.ts";
import * as apiVersionsV1 from "./api-versions/v1.ts";
import * as apiVersionsV2 from "./api-versions/v2.ts";
import * as apiVersionsV3 from "./api-versions/v3.ts";
import * as createTopicsV0 from "./create-topics/v0.ts";
import * as createTopicsV1 from "./create-topics/v1.ts";
import * as createTopicsV2 from "./create-topics/v2.ts";
import * as createTopicsV3 from "./create-topics/v3.ts";
import * as createTopicsV4 from "./create-topics/v4.ts";
import * as createTopicsV5 from "./create-topics/v5.ts";
import * as createTopicsV6 from "./create-topics/v6.ts";
import * as createTopicsV7 from "./create-topics/v7.ts";
import * as deleteTopicsV0 from "./delete-topics/v0.ts";
import * as deleteTopicsV1 from "./delete-topics/v1.ts";
import * as deleteTopicsV2 from "./delete-topics/v2.ts";
import * as deleteTopicsV3 from "./delete-topics/v3.ts";
import * as deleteTopicsV4 from "./delete-topics/v4.ts";
import * as deleteTopicsV5 from "./delete-topics/v5.ts";
import * as deleteTopicsV6 from "./delete-topics/v6.ts";
import * as initProducerIdV0 from "./init-producer-id/v0.ts";
import * as initProducerIdV1 from "./init-producer-id/v1.ts";
import * as initProducerIdV2 from "./init-producer-id/v2.ts";
import * as initProducerIdV3 from "./init-producer-id/v3.ts";
import * as initProducerIdV4 from "./init-producer-id/v4.ts";
import * as describeConfigsV0 from "./describe-configs/v0.ts";
import * as describeConfigsV1 from "./describe-configs/v1.ts";
import * as describeConfigsV2 from "./describe-configs/v2.ts";
import * as describeConfigsV3 from "./describe-configs/v3.ts";
import * as describeConfigsV4 from "./describe-configs/v4.ts";
import * as createPartitionsV0 from "./create-partitions/v0.ts";
import * as createPartitionsV1 from "./create-partitions/v1.ts";
import * as createPartitionsV2 from "./create-partitions/v2.ts";
import * as createPartitionsV3 from "./create-partitions/v3.ts";
import * as saslHandshakeV0 from "./sasl-handshake/v0.ts";
import * as saslHandshakeV1 from "./sasl-handshake/v1.ts";
import * as saslAuthenticateV0 from "./sasl-authenticate/v0.ts";
import * as saslAuthenticateV1 from "./sasl-authenticate/v1.ts";
import * as saslAuthenticateV2 from "./sasl-authenticate/v2.ts";
import * as offsetForLeaderEpochV0 from "./offsets-for-leader-epoch/v0.ts";
import * as offsetForLeaderEpochV1 from "./offsets-for-leader-epoch/v1.ts";
import * as offsetForLeaderEpochV2 from "./offsets-for-leader-epoch/v2.ts";
import * as offsetForLeaderEpochV3 from "./offsets-for-leader-epoch/v3.ts";
import * as addPartitionsToTxnV0 from "./add-partitions-to-txn/v0.ts";
import * as addPartitionsToTxnV1 from "./add-partitions-to-txn/v1.ts";
import * as addPartitionsToTxnV2 from "./add-partitions-to-txn/v2.ts";
import * as addPartitionsToTxnV3 from "./add-partitions-to-txn/v3.ts";
import * as addPartitionsToTxnV4 from "./add-partitions-to-txn/v4.ts";
import * as addOffsetsToTxnV0 from "./add-offsets-to-txn/v0.ts";
import * as addOffsetsToTxnV1 from "./add-offsets-to-txn/v1.ts";
import * as addOffsetsToTxnV2 from "./add-offsets-to-txn/v2.ts";
import * as addOffsetsToTxnV3 from "./add-offsets-to-txn/v3.ts";
import * as endTxnV0 from "./end-txn/v0.ts";
import * as endTxnV1 from "./end-txn/v1.ts";
import * as endTxnV2 from "./end-txn/v2.ts";
import * as endTxnV3 from "./end-txn/v3.ts";
import * as txnOffsetCommitV0 from "./txn-offset-commit/v0.ts";
import * as txnOffsetCommitV1 from "./txn-offset-commit/v1.ts";
import * as txnOffsetCommitV2 from "./txn-offset-commit/v2.ts";
import * as txnOffsetCommitV3 from "./txn-offset-commit/v3.ts";
import * as writeTxnMarkersV0 from "./write-txn-markers/v0.ts";
import * as describeTransactionsV0 from "./describe-transactions/v0.ts";
import * as listTransactionsV0 from "./list-transactions/v0.ts";

/** One version of one API: pure decode of its request, pure encode of its response. */
export interface VersionCodec<Req, Res> {
  decodeRequest(reader: Reader): Req;
  encodeResponse(writer: Writer, response: Res): void;
}

/** One API: its key, name, implemented versions and their codecs. */
export interface ApiSpec<Req, Res> {
  readonly apiKey: number;
  readonly name: ApiName;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Codecs by version, for every version in [minVersion, maxVersion]. */
  readonly versions: ReadonlyMap<number, VersionCodec<Req, Res>>;
}

function defineApi<Req, Res>(name: ApiName, minVersion: number, codecs: Array<VersionCodec<Req, Res>>): ApiSpec<Req, Res> {
  const versions = new Map(codecs.map((codec, i) => [minVersion + i, codec]));
  return { apiKey: apiKeys[name], name, minVersion, maxVersion: minVersion + codecs.length - 1, versions };
}

/** Every implemented API, by name. */
export const apis = {
  Produce: defineApi<ProduceRequest, ProduceResponse>("Produce", 3, [produceV3, produceV4, produceV5, produceV6, produceV7, produceV8, produceV9]),
  Fetch: defineApi<FetchRequest, FetchResponse>("Fetch", 4, [fetchV4, fetchV5, fetchV6, fetchV7, fetchV8, fetchV9, fetchV10, fetchV11, fetchV12]),
  ListOffsets: defineApi<ListOffsetsRequest, ListOffsetsResponse>("ListOffsets", 1, [listOffsetsV1, listOffsetsV2, listOffsetsV3, listOffsetsV4, listOffsetsV5, listOffsetsV6]),
  Metadata: defineApi<MetadataRequest, MetadataResponse>("Metadata", 0, [metadataV0, metadataV1, metadataV2, metadataV3, metadataV4, metadataV5, metadataV6, metadataV7, metadataV8, metadataV9]),
  OffsetCommit: defineApi<OffsetCommitRequest, OffsetCommitResponse>("OffsetCommit", 2, [offsetCommitV2, offsetCommitV3, offsetCommitV4, offsetCommitV5, offsetCommitV6, offsetCommitV7, offsetCommitV8]),
  OffsetFetch: defineApi<OffsetFetchRequest, OffsetFetchResponse>("OffsetFetch", 1, [offsetFetchV1, offsetFetchV2, offsetFetchV3, offsetFetchV4, offsetFetchV5, offsetFetchV6, offsetFetchV7, offsetFetchV8]),
  FindCoordinator: defineApi<FindCoordinatorRequest, FindCoordinatorResponse>("FindCoordinator", 0, [findCoordinatorV0, findCoordinatorV1, findCoordinatorV2, findCoordinatorV3, findCoordinatorV4]),
  JoinGroup: defineApi<JoinGroupRequest, JoinGroupResponse>("JoinGroup", 0, [joinGroupV0, joinGroupV1, joinGroupV2, joinGroupV3, joinGroupV4, joinGroupV5, joinGroupV6]),
  Heartbeat: defineApi<HeartbeatRequest, HeartbeatResponse>("Heartbeat", 0, [heartbeatV0, heartbeatV1, heartbeatV2, heartbeatV3, heartbeatV4]),
  LeaveGroup: defineApi<LeaveGroupRequest, LeaveGroupResponse>("LeaveGroup", 0, [leaveGroupV0, leaveGroupV1, leaveGroupV2, leaveGroupV3, leaveGroupV4]),
  SyncGroup: defineApi<SyncGroupRequest, SyncGroupResponse>("SyncGroup", 0, [syncGroupV0, syncGroupV1, syncGroupV2, syncGroupV3, syncGroupV4]),
  DescribeGroups: defineApi<DescribeGroupsRequest, DescribeGroupsResponse>("DescribeGroups", 0, [describeGroupsV0, describeGroupsV1, describeGroupsV2, describeGroupsV3, describeGroupsV4, describeGroupsV5]),
  ListGroups: defineApi<ListGroupsRequest, ListGroupsResponse>("ListGroups", 0, [listGroupsV0, listGroupsV1, listGroupsV2, listGroupsV3, listGroupsV4]),
  ApiVersions: defineApi<ApiVersionsRequest, ApiVersionsResponse>("ApiVersions", 0, [apiVersionsV0, apiVersionsV1, apiVersionsV2, apiVersionsV3]),
  CreateTopics: defineApi<CreateTopicsRequest, CreateTopicsResponse>("CreateTopics", 0, [createTopicsV0, createTopicsV1, createTopicsV2, createTopicsV3, createTopicsV4, createTopicsV5, createTopicsV6, createTopicsV7]),
  DeleteTopics: defineApi<DeleteTopicsRequest, DeleteTopicsResponse>("DeleteTopics", 0, [deleteTopicsV0, deleteTopicsV1, deleteTopicsV2, deleteTopicsV3, deleteTopicsV4, deleteTopicsV5, deleteTopicsV6]),
  InitProducerId: defineApi<InitProducerIdRequest, InitProducerIdResponse>("InitProducerId", 0, [initProducerIdV0, initProducerIdV1, initProducerIdV2, initProducerIdV3, initProducerIdV4]),
  DescribeConfigs: defineApi<DescribeConfigsRequest, DescribeConfigsResponse>("DescribeConfigs", 0, [describeConfigsV0, describeConfigsV1, describeConfigsV2, describeConfigsV3, describeConfigsV4]),
  CreatePartitions: defineApi<CreatePartitionsRequest, CreatePartitionsResponse>("CreatePartitions", 0, [createPartitionsV0, createPartitionsV1, createPartitionsV2, createPartitionsV3]),
  SaslHandshake: defineApi<SaslHandshakeRequest, SaslHandshakeResponse>("SaslHandshake", 0, [saslHandshakeV0, saslHandshakeV1]),
  SaslAuthenticate: defineApi<SaslAuthenticateRequest, SaslAuthenticateResponse>("SaslAuthenticate", 0, [saslAuthenticateV0, saslAuthenticateV1, saslAuthenticateV2]),
  OffsetForLeaderEpoch: defineApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>("OffsetForLeaderEpoch", 0, [
    offsetForLeaderEpochV0, offsetForLeaderEpochV1, offsetForLeaderEpochV2, offsetForLeaderEpochV3,
  ]),
  AddPartitionsToTxn: defineApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>("AddPartitionsToTxn", 0, [addPartitionsToTxnV0, addPartitionsToTxnV1, addPartitionsToTxnV2, addPartitionsToTxnV3, addPartitionsToTxnV4]),
  AddOffsetsToTxn: defineApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>("AddOffsetsToTxn", 0, [addOffsetsToTxnV0, addOffsetsToTxnV1, addOffsetsToTxnV2, addOffsetsToTxnV3]),
  EndTxn: defineApi<EndTxnRequest, EndTxnResponse>("EndTxn", 0, [endTxnV0, endTxnV1, endTxnV2, endTxnV3]),
  TxnOffsetCommit: defineApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>("TxnOffsetCommit", 0, [txnOffsetCommitV0, txnOffsetCommitV1, txnOffsetCommitV2, txnOffsetCommitV3]),
  WriteTxnMarkers: defineApi<WriteTxnMarkersRequest, WriteTxnMarkersResponse>("WriteTxnMarkers", 0, [writeTxnMarkersV0]),
  DescribeTransactions: defineApi<DescribeTransactionsRequest, DescribeTransactionsResponse>("DescribeTransactions", 0, [describeTransactionsV0]),
  ListTransactions: defineApi<ListTransactionsRequest, ListTransactionsResponse>("ListTransactions", 0, [listTransactionsV0]),
} as const;

/** Names of the implemented APIs. */
export type ImplementedApi = keyof typeof apis;

/** The decoded request type of an API. */
export type RequestOf<N extends ImplementedApi> = (typeof apis)[N] extends ApiSpec<infer Req, unknown> ? Req : never;

/** The response type of an API. */
export type ResponseOf<N extends ImplementedApi> = (typeof apis)[N] extends ApiSpec<unknown, infer Res> ? Res : never;

/** A decoded request body, tagged by API name (switch on `api`). */
export type DecodedRequest = { [N in ImplementedApi]: { api: N; version: number; body: RequestOf<N> } }[ImplementedApi];

const byKey = new Map<number, ApiSpec<unknown, unknown>>(
  Object.values(apis).map((spec) => [spec.apiKey, spec as ApiSpec<unknown, unknown>]),
);

/** The spec of an API key, or undefined when Rivulet does not implement it. */
export function apiSpec(apiKey: number): ApiSpec<unknown, unknown> | undefined {
  return byKey.get(apiKey);
}

/**
 * The codec for one API version.
 *
 * @param apiKey Kafka api key
 * @param apiVersion requested version
 * @returns the API's name and codec, or undefined when the key or version is not implemented
 * @example
 * ```ts
 * const found = lookup(18, 2); // { name: "ApiVersions", codec }
 * ```
 */
export function lookup(apiKey: number, apiVersion: number): { name: ImplementedApi; codec: VersionCodec<unknown, unknown> } | undefined {
  const spec = byKey.get(apiKey);
  const codec = spec?.versions.get(apiVersion);
  return spec && codec ? { name: spec.name as ImplementedApi, codec } : undefined;
}

/**
 * Decodes a request body into a {@link DecodedRequest}.
 *
 * @returns undefined when the key or version is not implemented
 * @throws {ProtocolDecodeError} when the body is malformed
 */
export function decodeRequestBody(apiKey: number, apiVersion: number, reader: Reader): DecodedRequest | undefined {
  const found = lookup(apiKey, apiVersion);
  if (!found) return undefined;
  return { api: found.name, version: apiVersion, body: found.codec.decodeRequest(reader) } as DecodedRequest;
}

/**
 * Encodes a response body for `api` at `apiVersion`.
 *
 * @throws {RangeError} when the version is not implemented (a programmer error)
 */
export function encodeResponseBody<N extends ImplementedApi>(api: N, apiVersion: number, writer: Writer, response: ResponseOf<N>): void {
  const codec = (apis[api] as ApiSpec<unknown, unknown>).versions.get(apiVersion);
  if (!codec) throw new RangeError(`${api} v${apiVersion} is not implemented`);
  codec.encodeResponse(writer, response);
}

/** What ApiVersions advertises: every implemented API with its version range, by key. */
export function supportedApiVersions(): ApiVersionRange[] {
  return [...byKey.values()]
    .map((spec) => ({ apiKey: spec.apiKey, minVersion: spec.minVersion, maxVersion: spec.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}
