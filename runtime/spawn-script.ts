import { runtimeName } from "./runtime-name.ts";

/**
 * The command that runs the TypeScript program at `scriptPath` in a child process on the same
 * runtime as this one: Node needs tsx (`--import tsx`, resolved from the child's cwd, so spawn
 * it in the repository), Deno needs `run -A`, Bun runs TypeScript as is.
 *
 * @param scriptPath absolute path of a `.ts` file
 * @returns the executable and its arguments, for `child_process.spawn`
 * @example
 * ```ts
 * const { command, args } = scriptCommand("/repo/test/crash-child.ts");
 * spawn(command, [...args, "extra-arg"], { cwd: "/repo" });
 * ```
 */
export function scriptCommand(scriptPath: string): { command: string; args: string[] } {
  switch (runtimeName) {
    case "node":
      return { command: process.execPath, args: ["--import", "tsx", scriptPath] };
    case "bun":
      return { command: process.execPath, args: [scriptPath] };
    case "deno":
      return { command: process.execPath, args: ["run", "-A", "--no-lock", scriptPath] };
  }
}
