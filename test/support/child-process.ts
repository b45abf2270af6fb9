import { spawn, type ChildProcess } from "node:child_process";

/** What a finished child process printed, and how it ended. */
export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion, feeding it `stdin`.
 *
 * @param command the executable
 * @param args its arguments
 * @param options working directory, extra environment, standard input
 * @returns its exit code, signal and output
 */
export function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string>; stdin?: string }): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin!.end(options.stdin ?? "");
  });
}

/** A `rivulet serve` process, listening. */
export interface Serving {
  child: ChildProcess;
  /** The HTTP base URL it printed. */
  url: string;
  output(): string;
  /** Settles with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string | null>;
}

/**
 * Starts a `… serve --port 0 …` command and resolves once it prints `serving <url>`; rejects if
 * it exits first (its output in the message).
 *
 * @param command the executable
 * @param args its arguments, `serve` included
 * @param cwd working directory
 */
export function startServing(command: string, args: string[], cwd: string): Promise<Serving> {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const exited = new Promise<number | string | null>((resolve) => child.on("close", (code, signal) => resolve(code ?? signal)));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const match = out.match(/serving (https?:\/\/\S+)/);
      if (match) resolve({ child, url: match[1], output: () => out, exited });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", reject);
    exited.then((code) => reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${out}`)));
  });
}
