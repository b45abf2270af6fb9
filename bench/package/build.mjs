#!/usr/bin/env node
/**
 * `npm run build`: the npm package's JavaScript and types in dist/, from the TypeScript sources.
 *
 *   dist/mod.js                        the library (`rivulet`)
 *   dist/client/mod.js                 the HTTP client (`rivulet/client`), when client/mod.ts exists
 *   dist/processors/streams.js         stream processing (`rivulet/streams`)
 *   dist/cli/bin.js                    the `rivulet` command; each command a chunk loaded on demand
 *   dist/workers/<name>.js             every worker entry (workers/*.ts), started by the library
 *   dist/runtime/worker-bootstrap.js   loads a user's TypeScript worker module on Node
 *   dist/runtime/pool-handler-bootstrap.js, dist/processors/runtime/pool-worker.js
 *                                      the stream processors' piscina pool workers
 *   dist/chunks/*.js                   code shared by the entries
 *   dist/types/**.d.ts                 declarations (tsc, emitDeclarationOnly)
 *
 * esbuild bundles our sources and leaves packages as imports (`packages: "external"`: a full
 * bundle drops cbor-x's native code). A source that names a module it starts at run time as
 * `new URL("./x.ts", import.meta.url)` (a worker entry) gets the URL of that module's built
 * output instead, relative to whichever output file the code lands in; a URL to a file that is
 * not built fails the build, so the package never starts a worker it does not ship. The built
 * CLI's `bench` command says it needs a checkout: the benchmarks use devDependencies.
 *
 *   node bench/package/build.mjs [--out DIR] [--no-types] [--metafile FILE] [--quiet]
 *
 * `npm start` runs it (`--no-types`, ~0.3 s) and then the built command, which starts in a
 * fraction of the time the sources take through tsx.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Every module the package starts or exposes: source path → output path (both relative to the root). */
export function entryPoints() {
  const entries = new Map([
    ["mod.ts", "mod.js"],
    ["cli/bin.ts", "cli/bin.js"],
    ["runtime/worker-bootstrap.mjs", "runtime/worker-bootstrap.js"],
    ["processors/streams.ts", "processors/streams.js"],
    ["runtime/pool-handler-bootstrap.mjs", "runtime/pool-handler-bootstrap.js"],
    ["processors/runtime/pool-worker.ts", "processors/runtime/pool-worker.js"],
  ]);
  if (existsSync(join(root, "client", "mod.ts"))) entries.set("client/mod.ts", "client/mod.js");
  for (const name of readdirSync(join(root, "workers")).sort()) {
    if (name.endsWith(".ts") && !name.endsWith(".test.ts")) entries.set(`workers/${name}`, `workers/${name.replace(/\.ts$/, ".js")}`);
  }
  return entries;
}

const marker = "rivulet-built-entry:";

/**
 * Rewrites `new URL("<relative>", import.meta.url)` to a marker naming the built entry it points
 * at; {@link resolveMarkers} turns the marker into a path relative to the output file.
 */
function entryUrlPlugin(entries) {
  const urlPattern = /new URL\(\s*(["'])([^"']+)\1\s*,\s*import\.meta\.url\s*\)/g;
  return {
    name: "rivulet-entry-urls",
    setup(build) {
      build.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        const errors = [];
        const rewrite = (whole, quote, target) => {
          const built = entries.get(relative(root, resolve(dirname(args.path), target)).split("\\").join("/"));
          if (built) return `new URL(${JSON.stringify(marker + built)}, import.meta.url)`;
          errors.push({ text: `${whole} in ${relative(root, args.path)} names a file the package does not build; add it to the entry points in bench/package/build.mjs` });
          return whole;
        };
        // Code lines only: doc comments show such URLs in their examples.
        const contents = source
          .split("\n")
          .map((line) => (/^\s*(\*|\/\/|\/\*)/.test(line) ? line : line.replace(urlPattern, rewrite)))
          .join("\n");
        return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js", errors };
      });
    },
  };
}

/** The built CLI keeps every command but the benchmarks, which need the repository's devDependencies. */
function benchOutsidePackagePlugin() {
  return {
    name: "rivulet-bench-outside-package",
    setup(build) {
      build.onResolve({ filter: /bench\/(main|cluster)\.ts$/ }, () => ({ path: "bench", namespace: "rivulet-bench-outside-package" }));
      build.onLoad({ filter: /.*/, namespace: "rivulet-bench-outside-package" }, () => ({
        resolveDir: join(root, "cli"),
        loader: "ts",
        contents: `import { CliError } from "./cli-error.ts";
export async function runBenchmarks(): Promise<never> {
  throw new CliError("the benchmarks run from a checkout of the repository (they need its devDependencies and peers): git clone the repository, npm ci, npm run bench");
}
export const clusterBenchmark = runBenchmarks;`,
      }));
    },
  };
}

function resolveMarkers(outputFile, dist) {
  const from = dirname(outputFile.path);
  const text = outputFile.text;
  if (!text.includes(marker)) return outputFile.contents;
  const replaced = text.replace(new RegExp(`${marker}([\\w./-]+)`, "g"), (_, built) => {
    const path = relative(from, join(dist, built)).split("\\").join("/");
    return path.startsWith(".") ? path : `./${path}`;
  });
  return new TextEncoder().encode(replaced);
}

/**
 * Builds dist/ (JavaScript, then types).
 * @param {{ outDir?: string, types?: boolean, entries?: Map<string, string>, splitting?: boolean, metafile?: string }} options
 *   `outDir` instead of dist/ (emptied first, but for bin/ and, with `types: false`, types/);
 *   `types: false` skips the declarations; `entries`
 *   instead of {@link entryPoints}; `splitting: false` makes each entry self-contained;
 *   `metafile`: also write esbuild's metafile (inputs and outputs, with their imports) there
 * @returns {Promise<Map<string, string>>} the entry points built, source → output
 */
export async function buildPackage({ outDir = join(root, "dist"), types = true, entries = entryPoints(), splitting = true, metafile = undefined } = {}) {
  const dist = resolve(outDir);
  // Everything but the executables (npm run compile) and, when not rebuilt now, the types.
  const kept = new Set(types ? ["bin"] : ["bin", "types"]);
  if (existsSync(dist)) for (const name of readdirSync(dist)) if (!kept.has(name)) rmSync(join(dist, name), { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [...entries].map(([input, output]) => ({ in: input, out: output.replace(/\.js$/, "") })),
    outdir: dist,
    bundle: true,
    splitting,
    packages: "external",
    format: "esm",
    platform: "node",
    target: "node20",
    chunkNames: "chunks/[name]-[hash]",
    write: false,
    metafile: true,
    logLevel: "warning",
    plugins: [entryUrlPlugin(entries), benchOutsidePackagePlugin()],
  });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.path.endsWith(".js") ? resolveMarkers(file, dist) : file.contents);
  }
  if (types) {
    const tsc = join(root, "node_modules", ".bin", "tsc");
    execFileSync(tsc, ["-p", join(root, "tsconfig.build.json"), "--outDir", join(dist, "types")], { cwd: root, stdio: "inherit" });
  }
  if (metafile) writeFileSync(metafile, JSON.stringify(result.metafile));
  return entries;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(root, "dist") }, "no-types": { type: "boolean", default: false }, metafile: { type: "string" }, quiet: { type: "boolean", default: false } } });
  const started = performance.now();
  const entries = await buildPackage({ outDir: values.out, types: !values["no-types"], metafile: values.metafile });
  if (!values.quiet) console.log(`built ${entries.size} entry points into ${values.out} in ${Math.round(performance.now() - started)} ms: ${[...entries.values()].join(", ")}`);
}
