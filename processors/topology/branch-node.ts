import { type Compile, type Emit, GraphNode } from "./graph-node.ts";

/** Routes each record to the first branch whose predicate holds; drops it when none does. */
export class BranchNode extends GraphNode {
  constructor(readonly predicates: readonly ((key: any, value: any) => boolean)[], readonly branches: readonly GraphNode[]) {
    super();
  }

  instantiate(_task: unknown, compile: Compile): Emit {
    const emits = this.branches.map(compile);
    const predicates = this.predicates;
    return (k, v, t) => {
      for (let i = 0; i < predicates.length; i++) {
        if (predicates[i](k, v)) {
          emits[i](k, v, t);
          return;
        }
      }
    };
  }
}
