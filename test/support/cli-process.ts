import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../../runtime/spawn-script.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cli = fileURLToPath(new URL("../../cli/rivulet.mjs", import.meta.url));

/** Runs `rivulet …` to completion on this runtime, feeding `stdin`. */
export function runCli(args: string[], stdin = "", env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { command, args: pre } = scriptCommand(cli);
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...pre, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin!.end(stdin);
  });
}

/** A `rivulet serve` child process, started and ready. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Waits for the process to exit and returns its code. */
  exited: Promise<number | null>;
}

/** Starts `rivulet serve --port 0 …` and waits for its "serving" line. */
export function startServe(args: string[]): Promise<ServeProcess> {
  const { command, args: pre } = scriptCommand(cli);
  const child = spawn(command, [...pre, "serve", "--port", "0", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rivulet serve did not start:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = out.match(/serving (https?:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out, exited });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`rivulet serve exited with ${code}:\n${out}`));
    });
  });
}
