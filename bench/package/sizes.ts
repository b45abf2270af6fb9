/**
 * Sizes a user downloads: the npm tarball, the built JavaScript (raw and gzipped), the worker
 * entry, the Bun executable, and `rivulet/client` minified and gzipped when it exists.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

/** Bytes of the parts of one build. */
export interface Sizes {
  tarballBytes: number;
  unpackedBytes: number;
  /** Every built .js file (library, command, workers, chunks). */
  jsBytes: number;
  jsGzipBytes: number;
  workerBytes: number;
  binaryBytes: number | null;
  /** `client/mod.ts` bundled, minified, gzipped; null while it does not exist. */
  clientGzipBytes: number | null;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js")).map((f) => join(dir, f));
}

/**
 * Measures a staged package (package.json + dist/ in `stage`).
 * @param stage the directory `npm pack` runs in
 * @param binary the Bun executable, if built
 * @param root the repository (for client/mod.ts)
 */
export async function measureSizes(stage: string, binary: string | null, root: string): Promise<Sizes> {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: stage, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as Array<{ size: number; unpackedSize: number }>;
  const files = jsFiles(join(stage, "dist")).filter((f) => !f.includes(`${join(stage, "dist", "bin")}`));
  const contents = files.map((f) => readFileSync(f));
  let clientGzipBytes: number | null = null;
  const client = join(root, "client", "mod.ts");
  if (existsSync(client)) {
    const built = await esbuild.build({ entryPoints: [client], bundle: true, minify: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
    clientGzipBytes = gzipSync(built.outputFiles[0].contents, { level: 9 }).length;
  }
  return {
    tarballBytes: packed.size,
    unpackedBytes: packed.unpackedSize,
    jsBytes: contents.reduce((sum, c) => sum + c.length, 0),
    jsGzipBytes: contents.reduce((sum, c) => sum + gzipSync(c, { level: 9 }).length, 0),
    workerBytes: statSync(join(stage, "dist", "workers", "partition-worker.js")).size,
    binaryBytes: binary && existsSync(binary) ? statSync(binary).size : null,
    clientGzipBytes,
  };
}
