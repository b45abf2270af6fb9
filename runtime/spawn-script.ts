import { existsSync } from "node:fs";
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

/**
 * The command that runs this program's own entry again in a child process, wherever it runs
 * from: a checkout (`entryPath` is TypeScript: {@link scriptCommand}), the built package (plain
 * JavaScript: the runtime alone, `run -A` on Deno), or a single executable (the entry is not a
 * file on disk: the executable itself, with no script argument).
 *
 * @param entryPath absolute path of the entry module (`fileURLToPath(new URL(…, import.meta.url))`)
 * @returns the executable and the arguments that come before the program's own
 */
export function entryCommand(entryPath: string): { command: string; args: string[] } {
  if (!existsSync(entryPath)) return { command: process.execPath, args: [] };
  if (entryPath.endsWith(".ts")) return scriptCommand(entryPath);
  return { command: process.execPath, args: runtimeName === "deno" ? ["run", "-A", "--no-lock", entryPath] : [entryPath] };
}
