/**
 * Every limit in Rivulet, named with its unit last, in one place. Past a limit, code refuses
 * with a typed {@link RivuletError} (`record_too_large`, `mailbox_full`, …), never by growing.
 * Server-level limits can be overridden through `Broker.open({ limits })` / `serve()`; topic
 * level ones (`message.max.bytes`, `segment.bytes`) through topic config.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Default limits. */
export const defaultLimits = {
  // Records and batches
  /** Largest record batch (and single record) accepted: Kafka's `message.max.bytes`. */
  messageMaxBytes: 1 * MiB,
  /** Most headers on one record. */
  recordHeadersMax: 64,
  /** Longest header name, in UTF-8 bytes. */
  headerNameBytesMax: 1 * KiB,
  /** Most records in one batch. */
  batchRecordsMax: 100_000,
  /** Largest size the records of one compressed batch may inflate to (guards against gzip bombs). */
  batchInflatedBytesMax: 64 * MiB,

  // Storage
  /** Smallest and largest allowed `segment.bytes`. */
  segmentBytesMin: 1 * KiB,
  segmentBytesMax: 1 * GiB,
  /** Largest read a single fetch returns from one partition. */
  fetchBytesMax: 64 * MiB,
  /** Partitions one topic may have. */
  topicPartitionsMax: 1024,
  /** Topics one broker may hold. */
  topicsMax: 10_000,
  /** How often each partition runs retention and compaction. */
  maintenanceIntervalMs: 30_000,
  /** Default worker threads hosting partitions (one partition per worker up to this). */
  workersMax: 8,

  // Actors and workers
  /** Messages waiting in one actor's mailbox. */
  mailboxMessagesMax: 10_000,
  /** Requests held for a partition whose worker is restarting. */
  restartQueueRequestsMax: 10_000,
  /** How long a request waits for a restarting partition before a retriable error. */
  restartWaitMs: 10_000,
  /** Default timeout of an actor `ask`. */
  askTimeoutMs: 30_000,
  /** A worker that has not answered a heartbeat for this long is replaced. */
  heartbeatTimeoutMs: 10_000,
  /** How often workers are pinged. */
  heartbeatIntervalMs: 1_000,
  /**
   * Partition workers booting at once while a broker opens on existing partitions (later ones
   * wait their turn; requests to their partitions wait in the mailbox). Booting a worker costs
   * a core for ~30-40 ms on Node; one at a time leaves the main thread a core to load the server
   * and listen, so `/health` answers in ~100 ms rather than after every worker has booted.
   */
  workerBootsAtOpenMax: 1,
  /** A worker that has not loaded its module and hand-shaken this long after it was started is replaced. */
  workerStartTimeoutMs: 30_000,
  /** How long a graceful stop waits for the actor's `stop()` before the worker is terminated anyway. */
  workerStopTimeoutMs: 10_000,
  /**
   * How long a terminated worker may take to exit. Past it (a thread stuck in a blocking system
   * call, or a runtime that lost the termination) the worker is abandoned: unref'd, fenced off
   * from its actor, and its replacement starts.
   */
  workerTerminateTimeoutMs: 5_000,
  /** Restarts within `restartWindowMs` after which a partition is marked offline. */
  restartsInWindowMax: 5,
  restartWindowMs: 60_000,
  /** Restart backoff: first delay and ceiling. */
  restartBackoffMinMs: 10,
  restartBackoffMaxMs: 5_000,

  // Producers and consumers
  /** How long a producer keeps retrying retriable errors before failing a send. */
  deliveryTimeoutMs: 30_000,
  /** Bytes a producer may hold unsent before `send` refuses. */
  producerBufferBytesMax: 64 * MiB,
  /**
   * Bytes of shared buffers a producer keeps for reuse between batches (record blocks are
   * packed into them and read by the partition worker; see broker/block-arenas.ts).
   */
  producerArenaBytesMax: 16 * MiB,
  /**
   * Bytes of record-block builders a producer keeps for reuse between calls (each call lays its
   * records out in one builder per partition; see broker/builder-pool.ts).
   */
  producerBuilderBytesMax: 16 * MiB,
  /**
   * Producers registered for idempotent requests (HTTP produce with Producer-Id) whose state
   * the broker keeps; past it the least recently used idle one is forgotten (its next request
   * gets `unknown_producer`).
   */
  requestProducersMax: 10_000,
  /** Records whose partition and offset the broker keeps for the last request of every such producer (to answer a retry). */
  requestProducerRecordsHeldMax: 1_000_000,
  /** Longest a fetch may wait for new data. */
  fetchWaitMsMax: 60_000,
  /** Most records one fetch returns. */
  fetchRecordsMax: 100_000,

  // Replication
  /** How long a follower's Fetch waits at the leader for new data (Kafka's `replica.fetch.wait.max.ms`). */
  replicaFetchWaitMs: 500,
  /** Most bytes of batches one follower Fetch asks for per partition (Kafka's `replica.fetch.max.bytes`). */
  replicaFetchPartitionBytesMax: 1 * MiB,
  /** Most bytes one follower Fetch response may carry across partitions (Kafka's `replica.fetch.response.max.bytes`). */
  replicaFetchResponseBytesMax: 10 * MiB,
  /** Pause before a follower reconnects to its leader or retries after an error (Kafka's `replica.fetch.backoff.ms`). */
  replicaFetchBackoffMs: 1_000,
  /** Longest a follower waits for its leader to answer one request before dropping the connection. */
  replicaRequestTimeoutMs: 30_000,
  // Transactions
  /** Longest `transaction.timeout.ms` a transactional producer may ask for (Kafka's `transaction.max.timeout.ms`). */
  transactionTimeoutMsMax: 900_000,
  /** `transaction.timeout.ms` of a programmatic transactional producer that sets none (Kafka's producer default). */
  transactionTimeoutMsDefault: 60_000,
  /** Transactional ids the coordinator keeps; past it the least recently used finished ones are forgotten. */
  transactionalIdsMax: 10_000,
  /** Longest transactional id, in UTF-16 code units. */
  transactionalIdLengthMax: 255,
  /** Partitions (and groups' offsets) one transaction may touch. */
  transactionPartitionsMax: 10_000,
  /** Wait before retrying a transaction's commit or abort markers that could not be written (a partition restarting). */
  transactionMarkerRetryMs: 500,
  /**
   * Partitions of `__transaction_state` created by a broker that joins a cluster (each led by
   * some broker, which coordinates its transactional ids; Kafka's
   * `transaction.state.log.num.partitions`). A broker alone creates one. Fixed once the topic exists.
   */
  transactionStatePartitions: 3,
  /**
   * Delay before a coordinator writes a completed transaction's Complete* record to
   * `__transaction_state`, in ms; the id's next change (a producer's next transaction) written
   * before it supersedes it, sparing a flush per back-to-back transaction.
   */
  transactionCompleteWriteDelayMs: 100,
  /** Longest a coordinator retries one write to `__transaction_state` (a deposed leader's give up, answering not_coordinator). */
  transactionStateWriteTimeoutMs: 30_000,
  /**
   * Tries of one request of a programmatic transactional producer (to its coordinator, a
   * partition leader, the group coordinator) answered with a retriable error such as
   * not_coordinator, not_leader or concurrent_transactions (leadership moving, a coordinator
   * loading), within the delivery timeout; Kafka's producer `retries`, bounded.
   */
  transactionRequestAttemptsMax: 50,
  /** First pause before such a retry, in ms; doubled per try up to {@link transactionRequestBackoffMaxMs} (Kafka's `retry.backoff.ms`). */
  transactionRequestBackoffMs: 20,
  /** Longest pause between such retries, in ms (Kafka's `retry.backoff.max.ms`). */
  transactionRequestBackoffMaxMs: 1_000,

  // Groups
  /** Members in one consumer group. */
  groupMembersMax: 1_000,
  /** Consumer groups one broker tracks. */
  groupsMax: 10_000,
  sessionTimeoutMsMin: 1_000,
  sessionTimeoutMsMax: 300_000,
  sessionTimeoutMsDefault: 10_000,
  rebalanceTimeoutMsDefault: 30_000,
  /** A group leaving Empty waits this long (extended while members keep joining, up to the
   * rebalance timeout) before completing its first rebalance: Kafka's `group.initial.rebalance.delay.ms`. */
  groupInitialRebalanceDelayMs: 100,
  /** Longest group id, in UTF-16 code units. */
  groupIdLengthMax: 255,
  /** Largest metadata string stored with a committed offset, in UTF-8 bytes (Kafka's `offset.metadata.max.bytes`). */
  offsetMetadataBytesMax: 4 * KiB,

  // HTTP
  /** Largest HTTP request body. */
  httpBodyBytesMax: 16 * MiB,
  /** Most records in one produce request. */
  httpRecordsPerRequestMax: 10_000,
  /** Open Server-Sent Events streams, server-wide. */
  sseStreamsMax: 1_000,
  /** Bytes queued to one SSE client before it is considered slow and is cut off. */
  sseBufferedBytesMax: 4 * MiB,
  /** Interval of SSE keep-alive comments. */
  sseKeepAliveMs: 15_000,
  /** Largest single write to an SSE client: events of one fetch are coalesced up to this size. */
  sseWriteBytesMax: 256 * KiB,
  /** An SSE client that has not drained its stream for this long is cut off. */
  sseStalledMsMax: 60_000,
  /** Records a fetch returns when `max_records` is not given. */
  httpFetchRecordsDefault: 1_000,
  /** Consumer-group partitions whose lag in seconds `/metrics` measures (one 1-record fetch each). */
  metricsLagFetchesMax: 1_000,
  /** Partitions `/health` lists by name in each of its cluster lists (under-replicated, leaderless); the counts cover all. */
  healthPartitionsListedMax: 100,

  // Durable Streams protocol (durable-streams/)
  /**
   * Largest append to one stream (a POST or PUT body): one append is stored as one record.
   * The effective bound is also at most `httpBodyBytesMax` and `messageMaxBytes * 100`.
   */
  dsAppendBytesMax: 8 * MiB,
  /** Bytes of stored records one catch-up read, long-poll answer or SSE data event carries. */
  dsReadBytesMax: 4 * MiB,
  /** Bytes all catch-up read-aheads (the next range, fetched while the client takes this one) may hold. */
  dsReadAheadBytesMax: 64 * MiB,
  /** How long a long-poll waits for new data before answering 204. */
  dsLongPollMs: 20_000,
  /** An SSE connection is ended after this long, so clients reconnect (CDN collapsing). */
  dsSseConnectionMs: 60_000,
  /** Longest stream path, in bytes of its URL form. */
  dsPathBytesMax: 1 * KiB,
  /** Longest Producer-Id, Stream-Seq and fork-source header values, in bytes. */
  dsHeaderBytesMax: 1 * KiB,
  /** How often expired streams are swept and changed stream snapshots are written. */
  dsMaintenanceIntervalMs: 1_000,
  /** A changing stream's state snapshot is written at most this often. */
  dsSnapshotIntervalMs: 5_000,

  // Kafka listener
  /** Largest Kafka request frame. */
  kafkaFrameBytesMax: 100 * MiB,
  /** Bytes of requests in flight on one connection, and across all connections. */
  kafkaConnectionInFlightBytesMax: 128 * MiB,
  kafkaInFlightBytesMax: 512 * MiB,
  /** Open Kafka connections. */
  kafkaConnectionsMax: 1_000,
  /** Largest frame a connection may send before it has authenticated (SASL tokens are small; Kafka's `sasl.server.max.receive.size`). */
  kafkaSaslFrameBytesMax: 512 * KiB,
  /** A connection that has not authenticated this long after it opened is closed. */
  kafkaSaslTimeoutMs: 30_000,

  // Authentication
  /** Delay before answering an address's first failed authentication; it doubles with each further one. */
  authFailureDelayMinMs: 50,
  /** Longest delay before answering a failed authentication. */
  authFailureDelayMaxMs: 2_000,
  /** An address's failures are forgotten this long after its last one. */
  authFailureWindowMs: 60_000,
  /** Client addresses whose failures are tracked at once (the oldest are forgotten first). */
  authFailureAddressesMax: 10_000,

  // Cluster: etcd client, broker leases, metadata cache (cluster/)
  /** Longest wait for one etcd request (range, put, txn, lease call) before it fails with `timeout`. */
  etcdRequestTimeoutMs: 5_000,
  /** Largest etcd answer to one request, in bytes (range pages are also bounded by `etcdRangePageKeysMax`). */
  etcdResponseBytesMax: 64 * MiB,
  /** Largest single message on an etcd watch stream; a line longer than this ends the watch with an error. */
  etcdWatchMessageBytesMax: 16 * MiB,
  /**
   * A watch stream silent this long is reopened from the next revision (lossless). Keeps a
   * silently dead connection from going unnoticed and stays below the 300 s body timeout of
   * Node's fetch.
   */
  etcdWatchIdleMs: 60_000,
  /** First and longest wait before reconnecting a watch or retrying a failed keep-alive. */
  etcdRetryBackoffMinMs: 50,
  etcdRetryBackoffMaxMs: 2_000,
  /** Keys one range page reads when the metadata cache loads. */
  etcdRangePageKeysMax: 1_000,
  /**
   * TTL of a broker's lease in etcd (whole seconds are granted, rounded up). A broker that has
   * not renewed it for this long is dead to the cluster and fences itself. 4 s: on a loaded
   * 2-core machine Deno's main thread was seen held up to 1.5 s while partition workers spawned,
   * and a 2 s TTL then fenced healthy brokers on every topic creation; the failover time (about
   * the TTL plus one election) is the price.
   */
  brokerLeaseTtlMs: 4_000,
  /** How often a broker renews its lease; below a third of the TTL, so two renewals may fail. */
  brokerLeaseKeepAliveMs: 1_000,
  /**
   * A broker whose Kafka address refuses two connections this far apart, after the connection
   * another broker held to it ended, is dead (cluster/controller/dead-broker-detector.ts): its
   * lease is revoked at once rather than left to run out.
   */
  deadBrokerConfirmIntervalMs: 50,
  /** Longest wait for one connection to another broker's Kafka address (held, or a death probe); past it: not refused. */
  deadBrokerConnectTimeoutMs: 1_000,
  /** Pause before a broker connects again to another broker that closed their connection but is alive. */
  deadBrokerReconnectMs: 200,
  /**
   * Longest wait for a topic create or delete asked of the controller (through a request key in
   * etcd), including until this broker's own copy of the metadata shows it; past it `timeout`.
   */
  clusterTopicRequestTimeoutMs: 30_000,
  /** Topic requests one broker may have waiting for the controller at once; past it `mailbox_full`. */
  clusterTopicRequestsMax: 64,
  /**
   * Partitions whose move one controller txn starts (a drain or rebalance writes more in several
   * txns). Each costs one compare and one put; etcd refuses txns of more than 128 of either
   * (its default `--max-txn-ops`).
   */
  clusterMovesPerTxnMax: 60,
  /** Producer ids a broker takes from the cluster's counter in etcd at once (KIP-730's block). */
  clusterProducerIdBlockSize: 1_000,
  /** A forwarded HTTP produce to another broker that has not answered in this long fails with `timeout` (then retried within the delivery timeout). */
  clusterForwardTimeoutMs: 30_000,
  /**
   * A broker asked about a topic its metadata copy does not show reads the topic's key from
   * etcd and, when it is there, waits this long for its watch to deliver it before answering
   * (a topic created through another broker a moment ago); past it the retriable
   * `coordination_unavailable`, never `unknown_topic` for a topic that exists.
   */
  clusterMetadataCatchUpMs: 5_000,

  // Web console (console/)
  /** The lag chart's resolution: one sample per group-partition per this interval. */
  consoleLagSampleIntervalMs: 30_000,
  /** Samples kept per group-partition (120 × 30 s = the last hour); older ones are dropped. */
  consoleLagSamplesMax: 120,
  /** Consumer groups whose lag history is kept (the first ones by name; others get no chart). */
  consoleLagGroupsMax: 100,
  /** Group-partitions whose lag history is kept across all groups (bounds the sampler's memory). */
  consoleLagSeriesMax: 2_000,
  /** Partitions whose lag in seconds one sampling round or one group page measures (a 1-record fetch each). */
  consoleLagFetchesMax: 1_000,
  /** Records one message-browser page returns. */
  consolePageRecordsMax: 500,
  /** Records one message-browser request reads while filtering, before it answers with what it found. */
  consoleScanRecordsMax: 20_000,
  /** Bytes of stored records one message-browser request reads. */
  consoleScanBytesMax: 16 * MiB,
  /** Topics the overview describes (sizes, offsets); the rest are listed by count only. */
  consoleOverviewTopicsMax: 1_000,
  /** Groups the groups list describes (members, lag). */
  consoleGroupsListMax: 500,
  /** Produce and fetch rates on the overview are averaged over at least this long. */
  consoleRateWindowMs: 10_000,

  // Stream processing (processors/)
  /** Key + value bytes one task's store may hold, unless the topology gives the store its own `memoryLimitBytes`. */
  processorStoreBytesMax: 256 * MiB,
  /** A task's stores are snapshotted at most this often (the changelog covers the time between). */
  processorSnapshotIntervalMs: 30_000,
  /** Default time between input-offset commits of a processor app (`commitIntervalMs`). */
  processorCommitIntervalMs: 100,
  /** Most input records handed to one task in one call (one transferred batch). */
  processorBatchRecordsMax: 10_000,
  /** Most bytes of changelog batches read per fetch (and moved to the pool worker at once) while a store is restored. */
  processorRestoreFetchBytesMax: 4 * MiB,
  /** Session timeout of a processor app's group membership (a restore holds its loop off polling; past it the app joins again). */
  processorSessionTimeoutMs: 45_000,
  /** Processor apps one broker runs at once. */
  processorAppsMax: 64,
};

/** The shape of a limits object. */
export type Limits = typeof defaultLimits;

/** Merges overrides onto the defaults, checking that each is a positive number. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits = { ...defaultLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !(value > 0)) throw new TypeError(`limit ${name} must be a positive number, got ${value}`);
  }
  if (limits.segmentBytesMin > limits.segmentBytesMax) throw new TypeError("segmentBytesMin exceeds segmentBytesMax");
  if (limits.heartbeatIntervalMs >= limits.heartbeatTimeoutMs) throw new TypeError("heartbeatIntervalMs must be below heartbeatTimeoutMs");
  if (limits.restartBackoffMinMs > limits.restartBackoffMaxMs) throw new TypeError("restartBackoffMinMs exceeds restartBackoffMaxMs");
  return limits;
}
