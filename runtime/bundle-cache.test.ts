import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync, utimesSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../test/support/temp-dir.ts";
import { BundleCache, staleBundleMs } from "./bundle-cache.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function withSources<T>(body: (dir: string, sources: () => Map<string, Uint8Array>) => T): T {
  const tmp = tempDir();
  const a = join(tmp.dir, "a.ts");
  const b = join(tmp.dir, "b.ts");
  writeFileSync(a, "export const a = 1;");
  writeFileSync(b, "export const b = 2;");
  const sources = () => new Map([[a, readFileSync(a)], [b, readFileSync(b)]]);
  try {
    return body(tmp.dir, sources);
  } finally {
    tmp.remove();
  }
}

test("BundleCache.lookup() finds a stored bundle while its sources are unchanged", () =>
  withSources((dir, sources) => {
    const cache = new BundleCache(join(dir, "cache"));
    assert.is(cache.lookup("entry"), undefined);
    const path = cache.store("entry", sources(), bytes("bundle v1"));
    assert.is(readFileSync(path, "utf8"), "bundle v1");
    assert.is(new BundleCache(join(dir, "cache")).lookup("entry"), path, "another process finds it too");
  }));

test("BundleCache.lookup() misses once a source changes or disappears", () =>
  withSources((dir, sources) => {
    const cache = new BundleCache(join(dir, "cache"));
    cache.store("entry", sources(), bytes("bundle v1"));
    writeFileSync(join(dir, "a.ts"), "export const a = 3;");
    assert.is(cache.lookup("entry"), undefined, "edited source");
    const v2 = cache.store("entry", sources(), bytes("bundle v2"));
    assert.is(cache.lookup("entry"), v2);
    rmSync(join(dir, "b.ts"));
    assert.is(cache.lookup("entry"), undefined, "removed source");
  }));

test("BundleCache.store() leaves no temp files and prunes only long-unused bundles", () =>
  withSources((dir, sources) => {
    const cacheDir = join(dir, "cache");
    const cache = new BundleCache(cacheDir);
    const old = cache.store("entry", sources(), bytes("old"));
    const recent = cache.store("other", sources(), bytes("recent"));
    const longAgo = new Date(Date.now() - staleBundleMs - 60_000);
    utimesSync(old, longAgo, longAgo);
    writeFileSync(join(dir, "a.ts"), "export const a = 4;");
    const current = cache.store("entry", sources(), bytes("current"));
    const names = readdirSync(cacheDir).sort();
    assert.ok(!names.some((n) => n.endsWith(".tmp")), names.join(", "));
    assert.ok(!names.includes(old.slice(cacheDir.length + 1)), "the stale bundle is gone");
    assert.ok(names.includes(recent.slice(cacheDir.length + 1)) && names.includes(current.slice(cacheDir.length + 1)));
  }));

test.run();
