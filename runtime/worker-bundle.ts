import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Loader, Plugin } from "esbuild";
import { BundleCache } from "./bundle-cache.ts";

/**
 * Node only: turns a TypeScript worker module into one ESM bundle of plain JavaScript, so a
 * worker starts without tsx's loader (which spends ~250-500 ms per worker in its own loader
 * thread). Our sources are bundled; packages stay `import`s (`packages: "external"`: a full
 * bundle drops cbor-x's native code), so the bundle lives in `node_modules/.cache/` where Node
 * resolves those imports exactly as it does for the sources. `import.meta.url` in each source
 * is replaced by that source's own URL, so `new URL("./x", import.meta.url)` keeps pointing
 * beside the source, not beside the bundle.
 *
 * Built once per process and entry point, and cached across processes (see bundle-cache.ts):
 * a warm start costs a hash of the sources, a cold one an esbuild build (~50 ms).
 *
 * @param entryPath absolute path of the worker module (`.ts`)
 * @returns the bundle's absolute path, or undefined when bundling is impossible here (no
 *   esbuild installed, no `node_modules` above the module, a read-only tree, a build error);
 *   the caller then loads the module through tsx, which reports any real error in the source
 * @example
 * ```ts
 * const bundle = await workerBundle("/repo/workers/partition-worker.ts");
 * new Worker(bundle ?? bootstrapThatRegistersTsx, { workerData });
 * ```
 */
export function workerBundle(entryPath: string): Promise<string | undefined> {
  let pending = built.get(entryPath);
  if (pending) {
    // Prune may delete a long-running process's bundle; then build it again.
    pending = pending.then((path) => (path === undefined || existsSync(path) ? path : rebuild(entryPath)));
  } else {
    pending = build(entryPath);
  }
  built.set(entryPath, pending);
  return pending;
}

/** Version of the build settings below: bump it to invalidate every cached bundle. */
const buildSettingsVersion = 1;

const built = new Map<string, Promise<string | undefined>>();

function rebuild(entryPath: string): Promise<string | undefined> {
  built.delete(entryPath);
  return build(entryPath);
}

async function build(entryPath: string): Promise<string | undefined> {
  const modules = nodeModulesAbove(entryPath);
  if (!modules) return undefined;
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined; // a production install without devDependencies
  }
  const cache = new BundleCache(join(modules, ".cache", "rivulet-workers"));
  const id = createHash("sha256").update(`${entryPath}\0${esbuild.version}\0${buildSettingsVersion}`).digest("hex").slice(0, 16);
  const cached = cache.lookup(id);
  if (cached) return cached;
  try {
    const sources = new Map<string, Uint8Array>();
    const result = await esbuild.build({
      entryPoints: [entryPath],
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      target: "node20",
      write: false,
      metafile: true,
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
      plugins: [ownUrlPlugin(sources)],
    });
    for (const input of Object.keys(result.metafile.inputs)) {
      const path = resolve(process.cwd(), input);
      if (!sources.has(path)) sources.set(path, readFileSync(path)); // loaded by esbuild itself (JSON)
    }
    return cache.store(id, sources, result.outputFiles[0].contents);
  } catch (error) {
    process.emitWarning(`cannot bundle worker ${entryPath}, loading it through tsx: ${(error as Error).message}`);
    return undefined;
  }
}

/** Loads our sources itself: records the exact bytes bundled and fixes `import.meta.url`. */
function ownUrlPlugin(sources: Map<string, Uint8Array>): Plugin {
  return {
    name: "rivulet-own-url",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
        const bytes = readFileSync(args.path);
        sources.set(args.path, bytes);
        const url = JSON.stringify(pathToFileURL(args.path).href);
        const contents = new TextDecoder().decode(bytes).replaceAll("import.meta.url", url);
        return { contents, loader: loaderOf(args.path), resolveDir: dirname(args.path) };
      });
    },
  };
}

function loaderOf(path: string): Loader {
  const ext = extname(path).replace(/^\.[cm]/, ".");
  return ext === ".tsx" ? "tsx" : ext === ".jsx" ? "jsx" : ext === ".ts" ? "ts" : "js";
}

/** The nearest `node_modules` directory above `path`. */
function nodeModulesAbove(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
