/**
 * Crash tests' child runner: starts a script (on the runtime running the test), reads the
 * events it prints on stdout (one line each, words split by spaces), and kills it with SIGKILL
 * `delayMs` after the first event that arms the kill. Events still in the pipe when it died are
 * kept: the child printed them after the fact they report, so they happened.
 */
import { spawn } from "node:child_process";
import { scriptCommand } from "../../runtime/spawn-script.ts";

/** What to run and when to kill it. */
export interface KillPlan<T> {
  script: string;
  args: string[];
  cwd: string;
  /** A line's words to an event to keep, or null to skip the line. */
  parse(words: string[]): T | null;
  /** Whether this event arms the kill; null: the child kills itself. */
  armsKill: ((event: T) => boolean) | null;
  delayMs: number;
  /** Fewest events the run must have printed to count (default 1). */
  minEvents?: number;
  /** A stuck child is killed after this long, ms, so the test fails instead of hanging. */
  guardMs?: number;
}

/** Runs the child until SIGKILL ends it; rejects (with its stderr) if anything else ended it. */
export function runUntilKilled<T>(plan: KillPlan<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const { command, args } = scriptCommand(plan.script);
    const proc = spawn(command, [...args, ...plan.args], { cwd: plan.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const events: T[] = [];
    let out = "";
    let err = "";
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      let nl: number;
      while ((nl = out.indexOf("\n")) >= 0) {
        const event = plan.parse(out.slice(0, nl).split(" "));
        out = out.slice(nl + 1);
        if (event === null) continue;
        events.push(event);
        if (!killTimer && plan.armsKill?.(event)) killTimer = setTimeout(() => proc.kill("SIGKILL"), plan.delayMs);
      }
    });
    proc.stderr.on("data", (chunk) => (err += chunk));
    const guard = setTimeout(() => proc.kill("SIGKILL"), plan.guardMs ?? 30_000);
    proc.on("close", (_code, signal) => {
      clearTimeout(guard);
      clearTimeout(killTimer);
      const minEvents = plan.minEvents ?? 1;
      if (signal !== "SIGKILL" || events.length < minEvents) reject(new Error(`child ended with ${signal}, ${events.length} events: ${err.slice(-2000)}`));
      else resolve(events);
    });
  });
}
