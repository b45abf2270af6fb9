/**
 * The machine's own limits, measured in the same run as everything else so each figure can be
 * read as a fraction of them: raw sequential writes with an fdatasync after every 110 KB block
 * (the size of one 1,000-record batch), and one fdatasync's latency. Also a description of the
 * machine (cores, memory, disk, runtime) for the results table.
 */
import { execFileSync } from "node:child_process";
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { cpus, freemem, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

const MB = 1024 * 1024;
const BLOCK_BYTES = 110 * 1024;
const SMALL_WRITE_BYTES = 4096;

/** Raw write speed with an fdatasync per block, and one fdatasync's latency. */
export interface DiskLimits {
  /** MB/s (2^20 bytes) writing 110 KB blocks, each followed by fdatasync. */
  mbPerSecond: number;
  /** Median latency of an fdatasync after a 4 KB write, ms. */
  syncMs: number;
  /** 99th percentile of the same, ms. */
  syncP99Ms: number;
}

/**
 * Measures the raw limits in `dir` (a file is written and removed).
 *
 * @param dir a directory on the disk to measure
 * @param totalBytes bytes to write for the bandwidth figure (default 100 MB)
 * @param syncs fdatasyncs timed for the latency figure (default 200)
 */
export function rawFdatasync(dir: string, totalBytes = 100 * MB, syncs = 200): DiskLimits {
  const path = join(dir, "raw");
  const block = new Uint8Array(BLOCK_BYTES).fill(1);
  const fd = openSync(path, "w");
  try {
    const blocks = Math.ceil(totalBytes / block.length);
    const started = performance.now();
    for (let i = 0; i < blocks; i++) {
      writeSync(fd, block);
      fdatasyncSync(fd);
    }
    const seconds = (performance.now() - started) / 1000;
    const small = new Uint8Array(SMALL_WRITE_BYTES);
    const latencies: number[] = [];
    for (let i = 0; i < syncs; i++) {
      writeSync(fd, small);
      const t = performance.now();
      fdatasyncSync(fd);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    return {
      mbPerSecond: (blocks * block.length) / MB / seconds,
      syncMs: latencies[latencies.length >> 1],
      syncP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
    };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}

/** Measures the raw limits in a fresh temporary directory. */
export function measureDiskLimits(quick: boolean): DiskLimits {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-bench-raw-"));
  try {
    return rawFdatasync(dir, (quick ? 50 : 200) * MB, quick ? 100 : 400);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Free bytes on the file system holding `dir`. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

/** One paragraph describing this machine: cores, memory, disk, kernel, runtime. */
export function describeMachine(): string {
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const cpu = cpus();
  const disk = command("df", ["-h", "--output=source,fstype,size,avail", tmpdir()]).split("\n").at(-1)?.trim().replace(/\s+/g, " ") ?? "?";
  const runtime = typeof process.versions.bun === "string" ? `Bun ${process.versions.bun}` : `Node ${process.version}`;
  return [
    `${command("nproc", []) || cpu.length} cores (${cpu[0]?.model ?? "?"})`,
    `${gib(totalmem())} memory (${gib(freemem())} free at start)`,
    `disk for ${tmpdir()}: ${disk} (source fstype size avail)`,
    `Linux ${release()}`,
    runtime,
  ].join("; ");
}
