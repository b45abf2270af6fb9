/** Which JavaScript runtime this code runs on. The only place that asks. */
export type RuntimeName = "node" | "bun" | "deno";

declare const Bun: unknown;
declare const Deno: unknown;

/** The current runtime. */
export const runtimeName: RuntimeName = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
