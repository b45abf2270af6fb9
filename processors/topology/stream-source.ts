import type { InputRecord } from "../task-contract.ts";
import { decodeInput } from "./decode-input.ts";
import { type Compile, forwardTo, GraphNode, type Emit, type SourceNode } from "./graph-node.ts";
import type { Serde } from "./serde.ts";
import type { TaskContext } from "./task-context.ts";

/** A stream's input topic (a user topic or a repartition topic): decodes and forwards. */
export class StreamSourceNode extends GraphNode implements SourceNode {
  constructor(readonly topic: string, readonly keySerde: Serde<any>, readonly valueSerde: Serde<any>) {
    super();
  }

  open(task: TaskContext, compile: Compile): (record: InputRecord) => void {
    const forward = forwardTo(this.children, compile);
    const keySerde = this.keySerde;
    const valueSerde = this.valueSerde;
    return (record) => {
      forward(
        record.key === null ? null : decodeInput(keySerde, record.key, record, "key"),
        record.value === null ? null : decodeInput(valueSerde, record.value, record, "value"),
        record.timestamp,
      );
    };
  }

  instantiate(): Emit {
    throw new Error("a source is opened, not instantiated");
  }
}
