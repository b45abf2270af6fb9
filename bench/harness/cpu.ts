/**
 * CPU meters: this process (`process.cpuUsage`, all threads) and another process by PID
 * (`/proc/<pid>/stat` utime + stime, all threads). Each reads as a share of one core over the
 * wall time measured, so 100 means one core fully busy and 200 both cores of this machine.
 */
import { readFileSync } from "node:fs";

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds used so far by process `pid`, or null when it cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return null;
  }
}

/** CPU seconds used so far by this process. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A meter started now over this process and (optionally) a server process. */
export interface CpuMeter {
  /** Stops the meter: CPU as % of one core for this process and for the server (null if none). */
  stop(): { clientPct: number; serverPct: number | null };
}

/**
 * Starts measuring.
 *
 * @param serverPid the server's process id, or null when the server runs in this process
 * @returns a meter to stop when the measured work is done
 */
export function startCpuMeter(serverPid: number | null): CpuMeter {
  const started = performance.now();
  const self0 = selfCpuSeconds();
  const server0 = serverPid === null ? null : processCpuSeconds(serverPid);
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const self1 = selfCpuSeconds();
      const server1 = serverPid === null ? null : processCpuSeconds(serverPid);
      const pct = (cpu: number) => Math.round((cpu / seconds) * 100);
      return {
        clientPct: pct(self1 - self0),
        serverPct: server0 === null || server1 === null ? null : pct(server1 - server0),
      };
    },
  };
}
