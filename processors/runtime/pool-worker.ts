/**
 * The handler every pool worker runs (piscina calls the default export with each request; see
 * runtime/pool-handler-bootstrap.mjs). It holds the tasks routed to this thread: their compiled
 * {@link Task} and their stores, warm between calls. Requests for one task come one at a time
 * (the runtime never overlaps calls to a task); requests for different tasks may interleave,
 * and each is handled synchronously apart from the topology module's first import.
 */
import { threadId } from "node:worker_threads";
import { errorToData } from "../../core/errors.ts";
import { TaskStores } from "../state/task-stores.ts";
import type { Task } from "../task-contract.ts";
import { decodeInputs, encodeResult } from "./batch-codec.ts";
import type { StoreSizes } from "../../broker/processors-api.ts";
import type { PoolReply, PoolRequest } from "./pool-protocol.ts";
import { asRunnableTopology, type RunnableTopology } from "./runnable-topology.ts";
import { createTask } from "./task-factory.ts";
import { queryStore } from "./store-query.ts";

interface HostedTask {
  epoch: number;
  topology: RunnableTopology;
  task: Task;
  stores: TaskStores;
}

const hosted = new Map<number, HostedTask>();
const modules = new Map<string, Promise<RunnableTopology>>();

function topologyOf(moduleUrl: string): Promise<RunnableTopology> {
  let pending = modules.get(moduleUrl);
  if (!pending) {
    pending = import(moduleUrl).then((m) => asRunnableTopology(m.default, moduleUrl));
    modules.set(moduleUrl, pending);
  }
  return pending;
}

function sizes(stores: TaskStores): StoreSizes {
  const out: StoreSizes = {};
  for (const store of stores.all()) out[store.name] = { entries: store.size, bytes: store.bytes };
  return out;
}

async function handle(request: PoolRequest): Promise<unknown> {
  try {
    if (request.op === "open") {
      const topology = await topologyOf(request.moduleUrl);
      const stores = new TaskStores(request.stateDir, { storeBytesMax: request.storeBytesMax });
      const task = createTask(topology, request.partition, (name, options) => stores.open(name, options), request.partitions);
      for (const declared of topology.stores) stores.open(declared.name, declared.options);
      const points = stores.loadSnapshots();
      hosted.set(request.partition, { epoch: request.epoch, topology, task, stores });
      return { ok: true, op: "open", points, threadId } satisfies PoolReply;
    }
    const entry = hosted.get(request.partition);
    if (!entry || entry.epoch !== request.epoch) return { ok: "stale" } satisfies PoolReply;
    switch (request.op) {
      case "restore": {
        const applied = entry.stores.applyChangelogBatches(request.store, new Uint8Array(request.batches), request.fromOffset, request.aborted);
        return { ok: true, op: "restore", applied, stores: sizes(entry.stores) } satisfies PoolReply;
      }
      case "process":
      case "tick": {
        const result = request.op === "process" ? entry.task.process(decodeInputs(request.records)) : entry.task.tick(request.nowMs);
        const records = encodeResult(result.outputs, result.changelog);
        // Copied back, not transferred: a fresh buffer's transfer is slower than its copy
        // (ENVIRONMENT.md: 37 k vs 56 k messages/s at 110 KB), and piscina's transfer marker is
        // private to its module copy, which a single executable may bundle twice.
        return { ok: true, op: "result", records, lateDropped: result.lateDropped, stores: sizes(entry.stores) } satisfies PoolReply;
      }
      case "snapshot":
        return { ok: true, op: "snapshot", written: entry.stores.snapshot(request.changelogOffsets) } satisfies PoolReply;
      case "query": {
        const store = entry.stores.get(request.store);
        const value = store ? queryStore(entry.topology, store, request.key, request.windowStart) : undefined;
        return { ok: true, op: "query", found: value !== undefined, value } satisfies PoolReply;
      }
      case "close":
        hosted.delete(request.partition);
        return { ok: true, op: "close" } satisfies PoolReply;
    }
  } catch (error) {
    return { ok: false, error: errorToData(error) } satisfies PoolReply;
  }
}

export default handle;
