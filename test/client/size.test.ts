/**
 * `rivulet/client` stays small and web-only: bundled and minified by esbuild it must be at most
 * 20 KB gzipped, hold no Node-only name, and type-check against the web's library alone (no
 * @types/node), as browsers and Workers give it.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "esbuild";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** The budget of DESIGN §10, in gzipped bytes. */
const gzippedBytesMax = 20 * 1024;

test("client/mod.ts minified and gzipped is at most 20 KB and names nothing Node-only", async () => {
  const result = await build({ entryPoints: [join(root, "client/mod.ts")], bundle: true, minify: true, format: "esm", platform: "neutral", target: "es2022", write: false });
  const code = result.outputFiles[0].contents;
  const gzipped = gzipSync(code, { level: 9 }).byteLength;
  console.log(`client bundle: ${code.byteLength} bytes minified, ${gzipped} bytes gzipped (budget ${gzippedBytesMax})`);
  assert.ok(gzipped <= gzippedBytesMax, `${gzipped} bytes gzipped`);
  const text = new TextDecoder().decode(code);
  for (const name of [/["']node:/, /\brequire\(/, /\bprocess\./, /\bBuffer\b/, /\bDeno\./, /\bBun\./]) assert.not.match(text, name, `the bundle mentions ${name}`);
});

test("client/ type-checks with the web's library only (ES2022 + DOM, no @types/node)", () => {
  const dir = mkdtempSync(join(tmpdir(), "rivulet-client-tsc-"));
  try {
    const config = join(dir, "tsconfig.json");
    writeFileSync(config, JSON.stringify({
      compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", allowImportingTsExtensions: true, noEmit: true, strict: true, lib: ["ES2022", "DOM", "DOM.Iterable"], types: [], skipLibCheck: true },
      files: [join(root, "client/mod.ts")],
    }));
    let output = "";
    try {
      execFileSync(join(root, "node_modules/.bin/tsc"), ["-p", config], { encoding: "utf8" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    assert.is(output, "", output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
