import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A directory of bundled worker modules, each valid for exactly the sources it was built from.
 * Shared by every process on the machine: files appear by atomic rename, so a reader sees a
 * whole file or none, and two processes building the same bundle at once both succeed.
 *
 * Disk format, per entry point (`<id>` hashes its path and the build settings):
 * - `<id>.json` — the manifest: `{ inputs: string[], sourceHash: string }`, the absolute paths
 *   of every source file bundled and a SHA-256 over their paths and contents;
 * - `<id>-<sourceHash prefix>.mjs` — the bundle for those contents.
 *
 * A lookup re-hashes the manifest's inputs as they are now, so an edited, added or removed
 * import is never served from a stale bundle. Bundles unused for {@link staleBundleMs} are
 * deleted; a process that finds its bundle deleted under it rebuilds it (see worker-bundle.ts).
 * Not thread-safe within a process (callers memoise); safe across processes.
 */
export class BundleCache {
  readonly #dir: string;

  /** @param dir the cache directory; created on first write */
  constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * The bundle built from the current contents of its sources, if one is cached.
   * @param id the entry point's id
   * @returns the bundle's absolute path, or undefined
   */
  lookup(id: string): string | undefined {
    let manifest: { inputs: string[]; sourceHash: string };
    try {
      manifest = JSON.parse(readFileSync(join(this.#dir, `${id}.json`), "utf8"));
    } catch {
      return undefined;
    }
    const contents = new Map<string, Uint8Array>();
    try {
      for (const path of manifest.inputs) contents.set(path, readFileSync(path));
    } catch {
      return undefined; // a source is gone: the bundle is stale
    }
    if (sourceHash(contents) !== manifest.sourceHash) return undefined;
    const bundle = this.#bundlePath(id, manifest.sourceHash);
    if (!existsSync(bundle)) return undefined;
    touch(bundle); // in use: keep it from being pruned
    return bundle;
  }

  /**
   * Stores a bundle and points the entry's manifest at it, then prunes long-unused bundles.
   * @param id the entry point's id
   * @param sources every bundled source file's path and the exact contents bundled
   * @param code the bundle
   * @returns the bundle's absolute path
   */
  store(id: string, sources: Map<string, Uint8Array>, code: Uint8Array): string {
    mkdirSync(this.#dir, { recursive: true });
    const hash = sourceHash(sources);
    const bundle = this.#bundlePath(id, hash);
    writeAtomically(bundle, code);
    writeAtomically(join(this.#dir, `${id}.json`), JSON.stringify({ inputs: [...sources.keys()], sourceHash: hash }));
    this.#prune(bundle);
    return bundle;
  }

  #bundlePath(id: string, hash: string): string {
    return join(this.#dir, `${id}-${hash.slice(0, 16)}.mjs`);
  }

  #prune(keep: string): void {
    const horizonMs = Date.now() - staleBundleMs;
    for (const name of readdirSync(this.#dir)) {
      const path = join(this.#dir, name);
      if (path === keep || !(name.endsWith(".mjs") || name.endsWith(".tmp"))) continue;
      try {
        if (statSync(path).mtimeMs < horizonMs) unlinkSync(path);
      } catch {
        // another process pruned it first
      }
    }
  }
}

/** A bundle nobody started a worker from for this long is deleted at the next store. */
export const staleBundleMs = 24 * 60 * 60 * 1000;

/** SHA-256 over paths and contents, in a stable order. */
export function sourceHash(sources: Map<string, Uint8Array>): string {
  const hash = createHash("sha256");
  for (const path of [...sources.keys()].sort()) {
    hash.update(path).update("\0").update(sources.get(path)!).update("\0");
  }
  return hash.digest("hex");
}

/** Writes a sibling temp file, then renames it over `path`: readers never see half a file. */
function writeAtomically(path: string, data: Uint8Array | string): void {
  const temp = join(dirname(path), `.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(temp, data);
  renameSync(temp, path);
}

function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // read-only cache: the bundle is still good
  }
}
