import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
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
  check("build", await run(process.execPath, [join(root, "bench", "package", "build.mjs"), "--out", join(stage, "dist")], { cwd: root }));
  const packed = check("npm pack", await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: stage }));
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(dir, info.filename);
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "rivulet-user-app", private: true, type: "module" }));
  check("npm install", await run("npm", ["install", tarball, "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: app }));
  return { tarball, files: info.files.map((f) => `package/${f.path}`), app };
}
