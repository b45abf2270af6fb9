/**
 * Everything `/metrics` shows, gathered at scrape time: the HTTP layer's counters, per
 * partition log offsets, sizes and status (from `describeTopic`), offline and restarting
 * partitions (from `health()`), consumer-group lag in records and in seconds, and the broker's
 * own snapshot when it offers one (`metrics()`: worker restarts and the like), and with auth on
 * the failed authentications of every door (counts only: no token, name or address).
 *
 * Lag in seconds is now − the timestamp of the first unconsumed record (one 1-record fetch at
 * the committed offset), for at most `metricsLagFetchesMax` partitions per scrape.
 */
import type { AuthDoor } from "../../auth/auth-failures.ts";
import type { BrokerApi } from "../../broker/types.ts";
import type { Clock } from "../../core/clock.ts";
import { groupLag, TopicCache } from "../../groups/group-lag.ts";
import type { HttpMetrics } from "./http-metrics.ts";
import { type Labels, PrometheusText } from "./prometheus-text.ts";
import { writeBrokerSnapshot } from "./broker-snapshot.ts";
import { writeReplication } from "./replication-gauges.ts";
import type { ReplicationSnapshot } from "../../cluster/replication/replication-metrics.ts";
import { writeProcessors } from "./processor-metrics.ts";

/** What a scrape reads. */
export interface MetricsSources {
  broker: BrokerApi;
  http: HttpMetrics;
  clock: Clock;
  sseOpen: number;
  membersTracked: number;
  lagFetchesMax: number;
  /** Failed authentications per door, from the server's shared authenticator; null without auth. */
  authFailures: ReadonlyMap<AuthDoor, number> | null;
  /** In a cluster: the replica manager's figures. */
  replication?: (() => Promise<ReplicationSnapshot | null>) | null;
}

/** Doors always shown in `rivulet_auth_failures_total` when auth is on (0 until a failure). */
const authDoors: readonly AuthDoor[] = ["http", "kafka", "durable_streams"];

function writeAuthFailures(out: PrometheusText, counts: ReadonlyMap<AuthDoor, number>): void {
  const help = "Failed authentications (missing, malformed or unknown credentials) per door";
  for (const door of new Set([...authDoors, ...counts.keys()])) out.sample("rivulet_auth_failures_total", "counter", help, counts.get(door) ?? 0, { door });
}

async function writeTopics(out: PrometheusText, broker: BrokerApi, topics: TopicCache): Promise<void> {
  const names = await broker.listTopics({ internal: true });
  out.sample("rivulet_topics", "gauge", "Topics, internal ones included", names.length);
  for (const name of names) {
    const topic = await topics.get(name);
    if (!topic) continue;
    for (const p of topic.partitions) {
      const labels = { topic: name, partition: p.partition };
      out.sample("rivulet_partition_log_start_offset", "gauge", "Earliest readable offset", p.startOffset, labels);
      out.sample("rivulet_partition_log_end_offset", "gauge", "Next offset to be written", p.endOffset, labels);
      out.sample("rivulet_partition_records", "gauge", "Records between log start and end", p.endOffset - p.startOffset, labels);
      out.sample("rivulet_partition_size_bytes", "gauge", "Bytes on disk", p.sizeBytes, labels);
      out.sample("rivulet_partition_worker", "gauge", "Worker thread hosting the partition", p.worker, labels);
      out.sample("rivulet_partition_online", "gauge", "1 when the partition serves, 0 while restarting or offline", p.status === "online" ? 1 : 0, labels);
    }
  }
}

async function writeGroups(out: PrometheusText, s: MetricsSources, topics: TopicCache): Promise<void> {
  const groups = await s.broker.groups.listGroups();
  out.sample("rivulet_groups", "gauge", "Consumer groups", groups.length);
  out.declare("rivulet_group_lag_records", "gauge", "Records after the group's committed offset");
  out.declare("rivulet_group_lag_seconds", "gauge", "Age of the group's first unconsumed record");
  const fetches = { left: s.lagFetchesMax };
  const now = s.clock.now();
  for (const { groupId } of groups) {
    const group = await s.broker.groups.describeGroup(groupId);
    out.sample("rivulet_group_members", "gauge", "Members of the group", group.members.length, { group: groupId });
    for (const lag of await groupLag(group, { broker: s.broker, topics, readable: () => true, nowMs: now, fetches })) {
      const labels: Labels = { group: groupId, topic: lag.topic, partition: lag.partition };
      out.sample("rivulet_group_lag_records", "gauge", "Records after the group's committed offset", lag.records, labels);
      if (lag.seconds !== null) out.sample("rivulet_group_lag_seconds", "gauge", "Age of the group's first unconsumed record", lag.seconds, labels);
    }
  }
}

/**
 * Gathers one scrape.
 *
 * @param s the broker, the HTTP counters, the clock and a few gauges of the app
 * @returns Prometheus exposition text
 */
export async function collectMetrics(s: MetricsSources): Promise<string> {
  const out = new PrometheusText();
  s.http.write(out);
  if (s.authFailures) writeAuthFailures(out, s.authFailures);
  out.sample("rivulet_sse_streams_open", "gauge", "Open SSE streams", s.sseOpen);
  out.sample("rivulet_http_group_members_tracked", "gauge", "Group members whose positions the HTTP layer keeps", s.membersTracked);
  const health = s.broker.health();
  out.sample("rivulet_offline_partitions", "gauge", "Partitions marked offline after repeated crashes", health.offlinePartitions.length);
  out.sample("rivulet_restarting_partitions", "gauge", "Partitions whose worker is restarting", health.restartingPartitions.length);
  const topics = new TopicCache(s.broker);
  await writeTopics(out, s.broker, topics);
  await writeGroups(out, s, topics);
  writeBrokerSnapshot(out, s.broker);
  const replication = s.replication ? await s.replication() : null;
  if (replication) writeReplication(out, replication);
  writeProcessors(out, s.broker);
  return out.toString();
}
