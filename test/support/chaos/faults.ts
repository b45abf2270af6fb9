/**
 * The faults of a chaos round, one function per kind: each injects its fault, records it in the
 * history (the failover clock starts there), lifts it, and returns once every partition has
 * acknowledged a send again (bounded: a cluster that does not recover fails the test).
 */
import { within } from "../etcd.ts";
import type { BrokerProcess } from "./broker-process.ts";
import type { ChaosForm, FaultKind } from "./chaos-forms.ts";
import type { HistoryWriter } from "./history-file.ts";
import type { NetworkCuts } from "./private-network.ts";
import type { Workload } from "./workload.ts";

export interface FaultContext {
  form: ChaosForm;
  cuts: NetworkCuts | null;
  workload: Workload;
  history: HistoryWriter;
  topic: string;
  /** How long a pause or a cut lasts, ms (a pause of a leader outlasts its lease by this much). */
  holdMs: number;
  /** The brokers' lease in etcd, ms (three-broker form). */
  leaseMs: number;
}

/** Bound on the recovery after a fault is lifted. */
const recoveryMsMax = 90_000;

/** The fault's duration: a pause or a cut lasts this long by design (it is the fault, not a wait for an event). */
const hold = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function note(ctx: FaultContext, kind: string, target: string): number {
  const at = Date.now();
  ctx.history.record({ type: "fault", kind, target, at });
  return at;
}

async function killAndStart(ctx: FaultContext, kind: string, victims: BrokerProcess[]): Promise<void> {
  note(ctx, kind, victims.map((b) => `broker ${b.id}`).join(", "));
  await Promise.all(victims.map((b) => b.kill9()));
  await Promise.all(victims.map((b) => b.start()));
}

async function pauseFor(ctx: FaultContext, kind: string, victim: BrokerProcess, ms: number): Promise<void> {
  note(ctx, kind, `broker ${victim.id}`);
  victim.pause();
  await hold(ms);
  victim.resume();
  note(ctx, "resume", `broker ${victim.id}`);
}

/** A cut as a pair of actions on the network, and what to call it. */
interface Cut {
  what: string;
  apply(cuts: NetworkCuts): void;
  undo(cuts: NetworkCuts): void;
}

const addressCut = (a: string, b: string): Cut => ({ what: `${a} <-> ${b}`, apply: (c) => c.cut(a, b), undo: (c) => c.heal(a, b) });

/** The packets broker `from` sends to `address` (it must run as its own user). */
function userCut(from: BrokerProcess, address: string): Cut {
  const uid = from.spec.uid;
  if (uid === undefined) throw new Error(`broker ${from.id} does not run as its own user: it cannot be cut off alone`);
  return { what: `broker ${from.id} -> ${address}`, apply: (c) => c.cutUser(uid, address), undo: (c) => c.healUser(uid, address) };
}

async function cutFor(ctx: FaultContext, kind: string, cuts: Cut[]): Promise<void> {
  if (!ctx.cuts) throw new Error(`${kind} needs the private network`);
  const what = cuts.map((c) => c.what).join(", ");
  note(ctx, kind, what);
  for (const c of cuts) c.apply(ctx.cuts);
  await hold(ctx.holdMs);
  for (const c of cuts) c.undo(ctx.cuts);
  note(ctx, "heal", what);
}

/** Waits until every partition acknowledged a send after `after`. */
async function recovered(ctx: FaultContext, after: number, what: string): Promise<void> {
  const lines = () => ctx.form.brokers.map((b) => `--- broker ${b.id} (${b.running ? (b.paused ? "paused" : "running") : "down"}):\n${b.output().slice(-1500)}`).join("\n");
  try {
    await within(ctx.workload.allAcked(after), recoveryMsMax, `every partition acknowledging again after ${what}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${lines()}`);
  }
}

/**
 * Injects one fault and returns once the cluster serves every partition again.
 *
 * @returns the fault's name and target, for the round's line
 */
export async function injectFault(kind: FaultKind, ctx: FaultContext): Promise<string> {
  const { form, topic } = ctx;
  const brokers = form.brokers;
  switch (kind) {
    case "kill":
    case "kill-leader": {
      const victim = await form.leaderOf(topic, 0);
      await killAndStart(ctx, kind, [victim]);
      break;
    }
    case "kill-controller":
      await killAndStart(ctx, kind, [await form.controller()]);
      break;
    case "kill-two": {
      const leader = await form.leaderOf(topic, 0);
      const other = brokers.find((b) => b !== leader)!;
      await killAndStart(ctx, kind, [leader, other]);
      break;
    }
    case "pause":
      await pauseFor(ctx, kind, brokers[0], ctx.holdMs);
      break;
    case "pause-leader":
      await pauseFor(ctx, kind, await form.leaderOf(topic, 0), ctx.leaseMs + ctx.holdMs);
      break;
    case "cut-clients":
      await cutFor(ctx, kind, brokers.map((b) => addressCut(form.clientHost, b.spec.host)));
      break;
    case "cut-leader-from-followers": {
      const leader = await form.leaderOf(topic, 0);
      // both ways: the followers' fetches do not reach the leader, nothing from the leader reaches them
      const followers = brokers.filter((b) => b !== leader);
      await cutFor(ctx, kind, followers.flatMap((f) => [userCut(f, leader.spec.host), userCut(leader, f.spec.host)]));
      break;
    }
    case "cut-from-etcd": {
      const victim = await form.leaderOf(topic, 0);
      await cutFor(ctx, kind, [userCut(victim, form.etcdHost!)]);
      break;
    }
    case "restart":
      note(ctx, kind, `broker ${brokers[0].id}`);
      await brokers[0].restart();
      break;
    case "rolling-restart":
      for (const b of brokers) {
        const at = note(ctx, kind, `broker ${b.id}`);
        await b.restart();
        await recovered(ctx, at, `restarting broker ${b.id}`);
      }
      break;
    case "restart-all":
      await killAndStart(ctx, kind, brokers);
      break;
  }
  await recovered(ctx, Date.now(), kind);
  return kind;
}
