/**
 * Finds a peer's executable, installing its Debian package with apt-get when it is missing and
 * this process may (root, apt-get present, RIVULET_BENCH_NO_INSTALL unset). Never throws: a peer
 * that cannot be had is skipped, and the reason is given.
 */
import { execFileSync } from "node:child_process";

const INSTALL_TIMEOUT_MS = 120_000;

function which(binary: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

function aptInstall(pkg: string, update: boolean): boolean {
  try {
    if (update) execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore", timeout: INSTALL_TIMEOUT_MS });
    execFileSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "ignore", timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `binary`, or why it is unavailable.
 *
 * @param binary the executable's name, e.g. `redis-server`
 * @param aptPackage the Debian package providing it
 */
export function ensureBinary(binary: string, aptPackage: string): { path: string } | { skip: string } {
  const found = which(binary);
  if (found) return { path: found };
  if (process.env.RIVULET_BENCH_NO_INSTALL) return { skip: `${binary} is not installed (install the Debian package ${aptPackage}); RIVULET_BENCH_NO_INSTALL is set, so the bench did not try` };
  if (process.getuid?.() !== 0 || !which("apt-get")) return { skip: `${binary} is not installed and apt-get is unavailable here (install the Debian package ${aptPackage})` };
  console.log(`installing ${aptPackage} with apt-get …`);
  if (!aptInstall(aptPackage, false) && !aptInstall(aptPackage, true)) return { skip: `apt-get install ${aptPackage} failed` };
  const installed = which(binary);
  return installed ? { path: installed } : { skip: `${aptPackage} installed but ${binary} is not on PATH` };
}
