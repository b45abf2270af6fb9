import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run, type Finished } from "./child-process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A tarball packed from a fresh build of the sources, installed into an empty project. */
export interface InstalledPackage {
  /** The packed tarball. */
  tarball: string;
  /** Paths inside the tarball (`package/...`). */
  files: string[];
  /** The project it is installed in: `package.json` and `node_modules/`, nothing else of ours. */
  app: string;
  /** esbuild's metafile of the build: every output, the module it is the entry of, what it imports. */
  build: BuildMeta;
}

/** The parts of esbuild's metafile the tests read. */
export interface BuildMeta {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

/**
 * The source modules a built entry loads before it runs: its output and, transitively, every
 * chunk it imports statically (dynamic imports load only when reached).
 *
 * @param meta the build's metafile
 * @param entryPoint the source module, e.g. `cli/commands/produce.ts`
 */
export function staticallyLoaded(meta: BuildMeta, entryPoint: string): Set<string> {
  const start = Object.keys(meta.outputs).find((out) => meta.outputs[out].entryPoint === entryPoint);
  if (!start) throw new Error(`no output has entry point ${entryPoint}`);
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const input of Object.keys(meta.outputs[out].inputs)) inputs.add(input);
    for (const i of meta.outputs[out].imports) if (i.kind === "import-statement" && !i.external && meta.outputs[i.path]) visit(i.path);
  };
  visit(start);
  return inputs;
}

function check(what: string, result: Finished): Finished {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/**
 * Builds the package into `dir/stage` (`bench/package/build.mjs --out`, so the repository's own
 * dist/ is left alone), packs it with `npm pack`, and installs the tarball into `dir/app` with
 * `npm install <tarball> --omit=dev`, from npm's cache where it can (the registry otherwise).
 *
 * @param dir an empty temporary directory
 */
export async function packAndInstall(dir: string): Promise<InstalledPackage> {
  const stage = join(dir, "stage");
  mkdirSync(stage);
  for (const file of ["package.json", "README.md", "LICENSE"]) if (existsSync(join(root, file))) copyFileSync(join(root, file), join(stage, file));
  const metafile = join(dir, "build-meta.json");
  check("build", await run(process.execPath, [join(root, "bench", "package", "build.mjs"), "--out", join(stage, "dist"), "--metafile", metafile], { cwd: root }));
  const packed = check("npm pack", await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: stage }));
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(dir, info.filename);
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "rivulet-user-app", private: true, type: "module" }));
  check("npm install", await run("npm", ["install", tarball, "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app }));
  return { tarball, files: info.files.map((f) => `package/${f.path}`), app, build: JSON.parse(readFileSync(metafile, "utf8")) as BuildMeta };
}
