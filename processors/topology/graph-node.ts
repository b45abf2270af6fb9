import type { InputRecord } from "../task-contract.ts";
import type { TaskContext } from "./task-context.ts";

/** Hands one record to a processor: key and value decoded, the record's timestamp. */
export type Emit = (key: any, value: any, timestamp: number) => void;
/** Compiles a node for the task being built (once per node: a merged stream has two parents). */
export type Compile = (node: GraphNode) => Emit;

/**
 * A node of a topology's processor graph, built by the DSL once per topology and compiled into
 * plain closures once per task (`instantiate`), so processing a record is a chain of direct
 * calls with no lookups. Nodes hold no per-task state; closures do.
 */
export abstract class GraphNode {
  readonly children: GraphNode[] = [];

  /** Builds this node's processor for `task`; `compile` gives the children's. */
  abstract instantiate(task: TaskContext, compile: Compile): Emit;

  /** Adds a child and returns it. */
  add<N extends GraphNode>(child: N): N {
    this.children.push(child);
    return child;
  }
}

const ignore: Emit = () => {};

/** One Emit calling each of `nodes` in order. */
export function forwardTo(nodes: readonly GraphNode[], compile: Compile): Emit {
  const emits = nodes.map(compile);
  if (emits.length === 0) return ignore;
  if (emits.length === 1) return emits[0];
  if (emits.length === 2) {
    const [a, b] = emits;
    return (k, v, t) => { a(k, v, t); b(k, v, t); };
  }
  return (k, v, t) => { for (const emit of emits) emit(k, v, t); };
}

/** A stateless node: `make` wraps the forward function (filter, map, mapValues, …). */
export class FnNode extends GraphNode {
  constructor(readonly make: (forward: Emit, task: TaskContext) => Emit) {
    super();
  }

  instantiate(task: TaskContext, compile: Compile): Emit {
    return this.make(forwardTo(this.children, compile), task);
  }
}

/** Passes records on unchanged: where streams merge, or a table turns into a stream. */
export class PassNode extends GraphNode {
  instantiate(_task: TaskContext, compile: Compile): Emit {
    return forwardTo(this.children, compile);
  }
}

/** Where input records of one topic enter the graph. */
export interface SourceNode {
  readonly topic: string;
  readonly keySerde: { deserialize(bytes: Uint8Array): unknown };
  readonly valueSerde: { deserialize(bytes: Uint8Array): unknown };
  /** The handler of this topic's records for `task`. */
  open(task: TaskContext, compile: Compile): (record: InputRecord) => void;
}
