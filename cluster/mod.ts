/**
 * The cluster's foundation: etcd as the only consensus (DESIGN §9), reached through its JSON
 * gateway with plain `fetch` (no gRPC, the same code on Node, Bun and Deno).
 *
 * ## Key layout in etcd (cluster `<c>`, `--cluster-name`, default "default")
 *
 * | key | value (JSON) | written by | lives as long as |
 * |---|---|---|---|
 * | `/<c>/brokers/<id>` | `{id, host, port, kafka_port}` | the broker, create-only txn | the broker's lease |
 * | `/<c>/controller` | `{broker_id, broker_epoch}` | the elected broker, create-only txn | the controller's broker lease |
 * | `/<c>/topics/<name>` | `{name, replicas: [[ids]…], config}` | the controller, guarded txn | until deleted |
 * | `/<c>/partitions/<topic>/<p>` | `{leader, leader_epoch, isr}` | the controller, guarded compare-and-set; the leader (ISR only, {@link alterIsr}) | until deleted |
 * | `/<c>/requests/<broker>-<epoch>-<n>` | `{request, outcome?}` | a broker asking for a topic create/delete; the controller writes the outcome in the txn that makes the change | the asking broker's lease |
 *
 * ## Epochs
 *
 * - **Broker epoch** = create_revision of `/<c>/brokers/<id>`: new and larger each time a broker
 *   registers, so messages from an earlier life of the same id can be refused.
 * - **Controller epoch** = create_revision of `/<c>/controller`: new and larger for every
 *   controller, since the key is created only when absent and deleted only with its holder's
 *   lease (or by its holder's resignation).
 * - **Leader epoch** = `leader_epoch` in a partition's state, raised by the controller with every
 *   change of leader (the epoch stamped in every batch by later replication work).
 *
 * ## What guards what
 *
 * - A broker's liveness is its lease: one lease per broker, kept alive every
 *   `brokerLeaseKeepAliveMs`, TTL `brokerLeaseTtlMs`. Its registration and, when it is the
 *   controller, the controller key are bound to it, so both vanish together when it dies.
 * - A broker whose lease lapses is **fenced** locally before etcd can give its role to another:
 *   its deadline counts from the send time of its last successful renewal, which etcd received
 *   later. A fenced broker stops acting as controller at once and must register anew.
 * - Every controller write is a txn whose first compare is "create_revision of
 *   `/<c>/controller` == my controller epoch" ({@link guardedTxn}, `controllerTxn`): a deposed
 *   controller, however late its request arrives, writes nothing and gets `not_controller`.
 * - Partition states change by compare-and-set on their key's mod_revision inside that same
 *   guarded txn, so two writers never both win.
 * - Every broker caches the whole prefix ({@link MetadataCache}): a range read at one revision,
 *   then a watch from the next; after a compaction it reads again.
 * - A leader changes its partition's ISR itself ({@link alterIsr}): compare-and-set on the state's
 *   mod_revision, at its leader epoch, with its own broker key's create_revision = its broker
 *   epoch, and every added member registered (Kafka's AlterPartition checks, done by etcd).
 *
 * ## Who does what
 *
 * - {@link Controller} (cluster/controller/): topics with spread replica assignments, leader
 *   election from the ISR, dead followers out of the ISR, preferred leaders back.
 * - {@link ReplicaReconciler} (cluster/reconciler/): on every broker, tells its
 *   {@link ReplicaManager} what to be, in order, from the metadata cache.
 * - {@link ClusterNode} (cluster/node/): all of it for one broker, rejoining after fencing;
 *   {@link ClusteredBroker} is the facade the front ends speak to, {@link ClusterView} what
 *   they show.
 *
 * ## Replication (`replication/`)
 *
 * The {@link ReplicaManager} is what the reconciler drives with each partition's state: as
 * leader, the partition keeps its followers' progress, the ISR's high watermark and acks=all,
 * and asks `ReplicationEnv.alterIsr` for ISR changes; as follower, a `LeaderFetcher` per leader
 * broker truncates by OffsetsForLeaderEpoch and copies the leader's log over its Kafka listener
 * (the wire client, a {@link LeaderConnector}, is `kafka/replica-fetcher.ts`, injected by
 * server/serve.ts: `serve(broker, { kafkaPort, replication: env })` returns `replicas`).
 *
 * @example
 * ```ts
 * import { BrokerRegistration, ControllerElection, EtcdClient, MetadataCache } from "./cluster/mod.ts";
 * const etcd = new EtcdClient({ endpoints: ["http://127.0.0.1:2379"] });
 * const me = await BrokerRegistration.register(etcd, { broker: { id: 1, host: "127.0.0.1", port: 8081, kafka_port: 9093 } });
 * const election = new ControllerElection(me);
 * election.start();
 * const cache = new MetadataCache(etcd);
 * await cache.start();
 * me.onFenced((why) => console.error(`fenced: ${why.message}`));
 * ```
 *
 * @module
 */
export * from "./etcd/etcd-bytes.ts";
export * from "./etcd/etcd-client.ts";
export * from "./etcd/etcd-error.ts";
export * from "./etcd/etcd-types.ts";
export * from "./etcd/etcd-watch.ts";
export * from "./etcd/lease-keeper.ts";
export * from "./membership/broker-registration.ts";
export * from "./membership/cluster-keys.ts";
export * from "./membership/controller-election.ts";
export * from "./membership/guarded-txn.ts";
export * from "./membership/metadata-cache.ts";
export * from "./membership/metadata-records.ts";
export * from "./replication/leader-connection.ts";
export * from "./replication/replica-host.ts";
export * from "./replication/replica-manager.ts";
export * from "./replication/replication-metrics.ts";
export * from "./controller/controller.ts";
export * from "./controller/leader-election.ts";
export * from "./controller/replica-assignment.ts";
export * from "./controller/topic-requests.ts";
export * from "./controller/cluster-topic-config.ts";
export * from "./reconciler/alter-isr.ts";
export * from "./reconciler/replica-reconciler.ts";
export * from "./reconciler/unreplicated-replicas.ts";
export * from "./node/cluster-node.ts";
export * from "./node/cluster-view.ts";
export * from "./node/clustered-broker.ts";
