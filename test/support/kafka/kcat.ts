/** Running kcat (librdkafka's command-line client) in tests. */
import { spawn, spawnSync } from "node:child_process";

/** Whether kcat is installed (apt-get install -y kcat). */
export const kcatPresent = !spawnSync("kcat", ["-V"], { stdio: "ignore" }).error;

/** What a kcat run printed and how it ended. */
export interface KcatRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs kcat with `args`, feeding `input`; resolves once it exits (killed after `timeoutMs`, a
 * backstop against a hang, not a wait the test depends on).
 */
export function runKcat(args: string[], input = "", timeoutMs = 30_000): Promise<KcatRun> {
  return new Promise((resolve) => {
    const child = spawn("kcat", args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    child.stderr.on("data", (d: Uint8Array) => (err += new TextDecoder().decode(d)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    child.stdin.end(input);
  });
}
