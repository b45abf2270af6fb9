/**
 * The two topologies the stream-processing comparison runs, shared by both sides so they do
 * the same work: the topic names, the filter (drops values starting with `#`: 1 in 16 of the
 * benchmark's values) and the window size. Rivulet's modules (rivulet-stateless.ts,
 * rivulet-windowed.ts) and the `@kafkats/flow` app (flow-app.ts) read them from here.
 */

/** Which topology. */
export type CompareKind = "stateless" | "windowed";

/** Input and output topics of one side of one run. */
export function compareTopics(kind: CompareKind, side: "rivulet" | "flow"): { input: string; output: string; appId: string } {
  return { input: `cmp-${kind}-in`, output: `cmp-${kind}-${side}-out`, appId: `cmp-${kind}-${side}` };
}

/** The stateless filter: keeps values not starting with `#`. */
export function keep(value: string): boolean {
  return value.charCodeAt(0) !== 35;
}

/** Tumbling window size of the windowed count, in ms. */
export const WINDOW_MS = 1_000;
