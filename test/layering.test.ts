/**
 * The folder layering of DESIGN §2, checked on every `.ts` file: a folder imports only folders
 * below it. Front ends (http/, durable-streams/, kafka/, console/) stand side by side and never import
 * each other; server/ composes them. Unit tests (`*.test.ts`) beside their source may also use
 * test/ (its support helpers and fixtures); test/ may import anything, bench/ anything but cli/
 * (the `rivulet bench` command runs it).
 * Only import and export statements and dynamic `import()` count: a worker module named by URL
 * (the supervisor spawning workers/partition-worker.ts) is a path, not an import.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Each folder's floor, lowest first; folders on one floor may not import each other. */
const floors: string[][] = [
  // The fetch-only HTTP client (`rivulet/client`): lowest, so it imports nothing of ours, not
  // even types; it runs alone in browsers and Workers.
  ["client"],
  ["core"],
  ["auth"],
  ["runtime"],
  ["record"],
  ["storage"],
  ["actors"],
  ["workers"],
  ["broker"],
  ["groups"],
  // The transaction coordinator: it writes through the broker and commits group offsets.
  ["transactions"],
  ["cluster"],
  // Stream processing: topologies run as group members with transactional outputs.
  ["processors"],
  ["http", "durable-streams", "kafka", "console"],
  ["server"],
  ["bench"],
  ["cli"],
];
const floorOf = new Map(floors.flatMap((names, floor) => names.map((name) => [name, floor] as const)));
/** Folders that may import any folder below their floor, test/ included. */
const unrestricted = new Set(["test", "bench"]);

const root = fileURLToPath(new URL("..", import.meta.url));

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "tmp" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (name.endsWith(".ts")) out.push(relative(root, path).split(sep).join("/"));
  }
  return out;
}

const staticImport = /^(?:import|export)(?:\s+type)?\s*(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?|\w+(?:\s*,\s*(?:\{[^}]*\}|\*\s+as\s+\w+))?)\s*from\s*["']([^"']+)["']/gm;
const sideEffectImport = /^import\s*["']([^"']+)["']/gm;
const dynamicImport = /^(?!\s*(?:\*|\/\/)).*?\bimport\(\s*["']([^"']+)["']\s*\)/gm;

/** The relative specifiers a source file imports (`all`: packages and `node:` modules too). */
export function importsOf(source: string, all = false): string[] {
  const found: string[] = [];
  for (const pattern of [staticImport, sideEffectImport, dynamicImport]) {
    for (const match of source.matchAll(pattern)) if (all || match[1].startsWith(".")) found.push(match[1]);
  }
  return found;
}

/**
 * Why `file` may not import `target` (both repository-relative), or null when it may.
 *
 * @param file the importing file, e.g. `storage/log.ts`
 * @param target the imported file, e.g. `broker/types.ts`
 */
export function violation(file: string, target: string): string | null {
  const from = file.includes("/") ? file.split("/")[0] : "";
  const to = target.includes("/") ? target.split("/")[0] : "";
  if (from === to || from === "") return null;
  if (unrestricted.has(from)) return (floorOf.get(to) ?? -1) > (floorOf.get(from) ?? Infinity) ? `${file} imports ${target}: ${from}/ is below ${to}/` : null;
  if (to === "test") return file.endsWith(".test.ts") ? null : `${file} is not a test but imports test/ (${target})`;
  if (to === "" || to === "..") return `${file} imports ${target}, outside the folders`;
  const fromFloor = floorOf.get(from);
  const toFloor = floorOf.get(to);
  if (fromFloor === undefined) return `${from}/ has no floor in test/layering.test.ts: add it where DESIGN §2 puts it`;
  if (toFloor === undefined) return `${to}/ has no floor in test/layering.test.ts: add it where DESIGN §2 puts it`;
  if (toFloor > fromFloor) return `${file} imports ${target}: ${from}/ is below ${to}/`;
  if (toFloor === fromFloor) return `${file} imports ${target}: ${from}/ and ${to}/ stand side by side and may not import each other`;
  return null;
}

test("the rule catches an upward import, a front end importing another, and source importing test/", () => {
  assert.ok(violation("storage/log.ts", "broker/types.ts"));
  assert.ok(violation("actors/partition.ts", "broker/types.ts"));
  assert.ok(violation("http/app.ts", "durable-streams/mod.ts"));
  assert.ok(violation("http/serve.ts", "kafka/listener.ts"));
  assert.ok(violation("console/create-console-app.ts", "http/app.ts"));
  assert.is(violation("server/serve.ts", "console/mod.ts"), null);
  assert.ok(violation("kafka/test-support/harness.ts", "test/helpers/temp-dir.ts"));
  assert.ok(violation("broker/broker.ts", "groups/group-coordinator.ts"));
  assert.ok(violation("newpart/thing.ts", "core/errors.ts"));
  assert.is(violation("broker/broker.ts", "actors/spawn.ts"), null);
  assert.is(violation("server/serve.ts", "kafka/listener.ts"), null);
  assert.is(violation("storage/log.test.ts", "test/support/bytes.ts"), null);
  assert.is(violation("test/broker.test.ts", "server/serve.ts"), null);
  assert.is(violation("bench/broker.ts", "test/support/temp-dir.ts"), null);
  assert.ok(violation("bench/main.ts", "cli/main.ts"));
  assert.is(violation("mod.ts", "server/serve.ts"), null);
});

test("importsOf() reads static, re-export, type, side-effect and dynamic imports, not comments", () => {
  const source = [
    'import { a } from "./a.ts";',
    "import type {\n  B,\n  C,\n} from '../b.ts';",
    'export * from "./c.ts";',
    'export { d, type E } from "./d.ts";',
    'import f, { g } from "./f.ts";',
    'import "./side.ts";',
    'const h = await import("./h.ts");',
    ' * import { x } from "./in-a-comment.ts";',
    '// const y = await import("./commented.ts");',
    'import { z } from "node:fs";',
  ].join("\n");
  assert.equal(importsOf(source).sort(), ["../b.ts", "./a.ts", "./c.ts", "./d.ts", "./f.ts", "./h.ts", "./side.ts"]);
});

test("no folder imports one above it, and front ends do not import each other", () => {
  const problems: string[] = [];
  const files = sourceFiles(root);
  assert.ok(files.length > 100, `found only ${files.length} .ts files`);
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(join(root, file), "utf8"))) {
      const target = normalize(join(dirname(file), specifier)).split(sep).join("/");
      const problem = violation(file, target);
      if (problem) problems.push(problem);
    }
  }
  assert.equal(problems, [], `layering broken:\n  ${problems.join("\n  ")}`);
});

test("client/ imports only its own files: no package, no node: module (it runs in browsers and Workers)", () => {
  const problems: string[] = [];
  for (const file of sourceFiles(root).filter((f) => f.startsWith("client/") && !f.endsWith(".test.ts"))) {
    for (const specifier of importsOf(readFileSync(join(root, file), "utf8"), true)) {
      if (!specifier.startsWith("./")) problems.push(`${file} imports ${specifier}`);
    }
  }
  assert.equal(problems, []);
  assert.ok(violation("client/client.ts", "core/errors.ts"), "client/ is the lowest floor");
});

test.run();
