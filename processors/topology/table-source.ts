import type { InputRecord } from "../task-contract.ts";
import { decodeInput } from "./decode-input.ts";
import { type Compile, forwardTo, GraphNode, type Emit, type SourceNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { TaskContext } from "./task-context.ts";

/**
 * A table's input topic: each record upserts its key in the table's store (a `null` value
 * deletes it: a tombstone), then the change goes on as (key, value or null). Records without
 * a key are skipped: a table row needs one. Value bytes are stored as they came, once they decode.
 */
export class TableSourceNode extends GraphNode implements SourceNode {
  constructor(readonly topic: string, readonly store: string, readonly keySerde: Serde<any>, readonly valueSerde: Serde<any>) {
    super();
  }

  open(task: TaskContext, compile: Compile): (record: InputRecord) => void {
    const forward = forwardTo(this.children, compile);
    const store = task.store(this.store);
    const keySerde = this.keySerde;
    const valueSerde = this.valueSerde;
    return (record) => {
      if (record.key === null) return;
      // Decode before storing: a value the table cannot read must not reach its store.
      const key = decodeInput(keySerde, record.key, record, "key");
      const value = record.value === null ? null : decodeInput(valueSerde, record.value, record, "value");
      task.write(store, record.key, record.value);
      forward(key, value, record.timestamp);
    };
  }

  instantiate(): Emit {
    throw new Error("a source is opened, not instantiated");
  }
}
