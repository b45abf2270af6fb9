/**
 * Entry point of a partition worker thread: hand-shakes with its owner, then hosts partition
 * actors (see actors/partition-host.ts) for the partitions named in its start-up data.
 */
import { hostActor } from "../actors/host-actor.ts";
import { PartitionHost } from "../actors/partition-host.ts";
import type { PartitionHostInit } from "../actors/partition-protocol.ts";

hostActor((init) => new PartitionHost(init as PartitionHostInit));
