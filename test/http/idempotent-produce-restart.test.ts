/**
 * Idempotent HTTP produce across a broker restart: a real `rivulet serve` (or a broker stopped
 * at a chosen step of a request, test/support/http/hooked-serve.ts) killed with SIGKILL between
 * a request and its retry, then started again on the same data directory. The retry gets the
 * original offsets, every record is stored once, the next request continues every partition's
 * sequence, and an epoch bumped before the crash still fences the old one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startServe, type ServeProcess } from "../support/cli-process.ts";
import { startDropProxy } from "../support/http/drop-proxy.ts";
import type { ProduceReply } from "../support/http/fixture.ts";
import { tempDir } from "../support/temp-dir.ts";
import { scriptCommand } from "../../runtime/spawn-script.ts";
import { storedRecords } from "../support/http/stored-records.ts";

interface Producer {
  producer_id: number;
  producer_epoch: number;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const hookedServe = fileURLToPath(new URL("../support/http/hooked-serve.ts", import.meta.url));

function serveOn(dir: string): Promise<ServeProcess> {
  return startServe(["--data-dir", dir, "--max-workers", "2"]);
}

async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  child.kill("SIGKILL");
  await exited;
}

/** hooked-serve.ts on `dir`, ready; `stopped` settles when it reports the step it stopped at. */
function startHooked(dir: string, step: "after-sent" | "partly"): Promise<{ child: ChildProcess; url: string; stopped: Promise<void>; exited: Promise<unknown> }> {
  const { command, args } = scriptCommand(hookedServe);
  const child = spawn(command, [...args, dir, step], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let onStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (onStopped = resolve));
  const exited = new Promise((resolve) => child.on("close", resolve));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const match = out.match(/serving (http:\/\/\S+)/);
      if (match) resolve({ child, url: match[1], stopped, exited });
      if (out.includes(`stopped ${step}`)) onStopped();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    exited.then((code) => reject(new Error(`hooked-serve exited with ${code}:\n${out}`)));
  });
}

async function post(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function createTopic(base: string, name: string, partitions: number): Promise<void> {
  const res = await post(`${base}/v1/topics`, { name, partitions });
  assert.is(res.status, 201, await res.clone().text());
}

async function newProducer(base: string, body?: unknown): Promise<Producer> {
  const res = await post(`${base}/v1/producers`, body);
  assert.is(res.status, 200, await res.clone().text());
  return await res.json() as Producer;
}

function produce(base: string, topic: string, records: unknown[], p: Producer, seq: number): Promise<Response> {
  return post(`${base}/v1/topics/${topic}/records`, { records }, { "producer-id": String(p.producer_id), "producer-epoch": String(p.producer_epoch), "producer-seq": String(seq) });
}

async function offsetsOf(res: Response): Promise<ProduceReply["offsets"]> {
  assert.is(res.status, 200, await res.clone().text());
  return (await res.json() as ProduceReply).offsets;
}

const contents = storedRecords;

/** Each record of `batch` is stored once, where `offsets` says. */
function assertAt(stored: Map<string, [number, number]>, batch: Array<{ value: string }>, offsets: ProduceReply["offsets"]): void {
  assert.is(offsets.length, batch.length);
  batch.forEach((r, i) => assert.equal(stored.get(r.value), [offsets[i].partition, offsets[i].offset], `${r.value} where the answer says`));
}

const records = (tag: string, from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: `${tag}${from + i}` }));

test("an answer lost before a kill -9: the retry after restart gets the stored offsets; the next request and a durable epoch bump hold", async () => {
  const data = tempDir("rivulet-idem-kill-");
  let server = await serveOn(data.dir);
  try {
    await createTopic(server.url, "lost", 3);
    const p = await newProducer(server.url);
    const first = [...records("a", 0, 20), { value: "unkeyed-1" }, { value: "unkeyed-2" }];
    assert.is(await offsetsOf(await produce(server.url, "lost", records("w", 0, 6), p, 0)).then((o) => o.length), 6);
    const proxy = await startDropProxy(Number(new URL(server.url).port));
    assert.is(await produce(proxy.url, "lost", first, p, 1).then(() => "answered", () => "lost"), "lost");
    await proxy.close();
    await kill(server.child, server.exited);

    server = await serveOn(data.dir);
    const offsets = await offsetsOf(await produce(server.url, "lost", first, p, 1));
    let stored = await contents(server.url, "lost", 3);
    assert.is(stored.size, 6 + first.length, "nothing written twice");
    assertAt(stored, first, offsets);
    assert.equal(await offsetsOf(await produce(server.url, "lost", first, p, 1)), offsets, "asked again, the same answer");
    assert.is((await produce(server.url, "lost", records("x", 0, 1), p, 3)).status, 409, "a gap is still refused");
    const next = records("b", 0, 30);
    assertAt(await contents(server.url, "lost", 3), first, offsets);
    const nextOffsets = await offsetsOf(await produce(server.url, "lost", next, p, 2));
    stored = await contents(server.url, "lost", 3);
    assert.is(stored.size, 6 + first.length + next.length);
    assertAt(stored, next, nextOffsets);

    const bumped = await newProducer(server.url, { producer_id: p.producer_id });
    assert.equal(bumped, { producer_id: p.producer_id, producer_epoch: 1 });
    const after = records("d", 0, 9);
    const afterOffsets = await offsetsOf(await produce(server.url, "lost", after, bumped, 0));
    await kill(server.child, server.exited);

    server = await serveOn(data.dir);
    const fenced = await produce(server.url, "lost", records("c", 0, 1), p, 3);
    assert.is(fenced.status, 409);
    assert.is((await fenced.json() as { code: string }).code, "producer_fenced");
    // Request 0 was answered before the kill: the registry knows it complete, so 1 follows it.
    const last = records("e", 0, 12);
    const lastOffsets = await offsetsOf(await produce(server.url, "lost", last, bumped, 1));
    assert.equal(await offsetsOf(await produce(server.url, "lost", last, bumped, 1)), lastOffsets, "asked again, the same answer");
    stored = await contents(server.url, "lost", 3);
    assertAt(stored, after, afterOffsets);
    assertAt(stored, last, lastOffsets);
    assert.is(stored.size, 6 + first.length + next.length + after.length + last.length);
    const fresh = await newProducer(server.url);
    assert.ok(fresh.producer_id > p.producer_id, "ids are never handed out twice");
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    data.remove();
  }
});

test("killed after the partitions appended a request, before the registry marked it complete: the retry gets the original offsets", async () => {
  const data = tempDir("rivulet-idem-window-");
  const hooked = await startHooked(data.dir, "after-sent");
  let server: ServeProcess | null = null;
  try {
    await createTopic(hooked.url, "window", 8);
    const p = await newProducer(hooked.url);
    // Unkeyed records go to a partition picked at random per process: only the stored plan
    // sends them where the first try did.
    const batch = [...records("a", 0, 40), ...Array.from({ length: 5 }, (_, i) => ({ value: `unkeyed${i}` }))];
    const pending = produce(hooked.url, "window", batch, p, 0).then(() => "answered", () => "lost");
    await hooked.stopped;
    await kill(hooked.child, hooked.exited);
    assert.is(await pending, "lost");

    server = await serveOn(data.dir);
    const before = await contents(server.url, "window", 8);
    assert.is(before.size, batch.length, "the first try was written in full");
    const offsets = await offsetsOf(await produce(server.url, "window", batch, p, 0));
    const stored = await contents(server.url, "window", 8);
    assert.is(stored.size, batch.length, "the retry wrote nothing again");
    assertAt(stored, batch, offsets);
    assert.equal([...stored], [...before], "the original offsets");
    const next = records("b", 0, 40);
    const nextOffsets = await offsetsOf(await produce(server.url, "window", next, p, 1));
    const all = await contents(server.url, "window", 8);
    assert.is(all.size, batch.length + next.length);
    assertAt(all, next, nextOffsets);
  } finally {
    hooked.child.kill("SIGKILL");
    if (server) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    data.remove();
  }
});

test("killed with a request partly written (one partition has its batch, the other not): the retry completes it, each record once", async () => {
  const data = tempDir("rivulet-idem-partly-");
  const hooked = await startHooked(data.dir, "partly");
  let server: ServeProcess | null = null;
  try {
    await createTopic(hooked.url, "partly", 8);
    const p = await newProducer(hooked.url);
    const explicit = Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, partition: i % 2 }));
    const batch = [...explicit, ...Array.from({ length: 4 }, (_, i) => ({ value: `unkeyed${i}` }))];
    const pending = produce(hooked.url, "partly", batch, p, 0).then(() => "answered", () => "lost");
    await hooked.stopped;
    await kill(hooked.child, hooked.exited);
    assert.is(await pending, "lost");

    server = await serveOn(data.dir);
    const before = await contents(server.url, "partly", 8);
    assert.ok([...before.values()].filter(([partition]) => partition === 0).length >= 5, "partition 0 took its batch");
    assert.not.ok([...before.values()].some(([partition]) => partition === 1), "partition 1 did not");
    const offsets = await offsetsOf(await produce(server.url, "partly", batch, p, 0));
    assert.equal(offsets.slice(0, 10), explicit.map((_, i) => ({ partition: i % 2, offset: Math.floor(i / 2) })));
    const stored = await contents(server.url, "partly", 8);
    assert.is(stored.size, batch.length);
    assertAt(stored, batch, offsets);
    for (const [value, at] of before) assert.equal(stored.get(value), at, `${value} kept its offset`);
    const ends = [0, 1].map((partition) => [...stored.values()].filter(([p]) => p === partition).length);
    const next = await offsetsOf(await produce(server.url, "partly", [{ value: "n0", partition: 0 }, { value: "n1", partition: 1 }], p, 1));
    assert.equal(next, [{ partition: 0, offset: ends[0] }, { partition: 1, offset: ends[1] }]);
  } finally {
    hooked.child.kill("SIGKILL");
    if (server) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    data.remove();
  }
});

test("kill -9 amid concurrent producers: each request in flight, retried after the restart, is answered; every record is stored once, where its answer says", async () => {
  const data = tempDir("rivulet-idem-busy-");
  let server = await serveOn(data.dir);
  try {
    await createTopic(server.url, "busy", 4);
    const producers = await Promise.all(Array.from({ length: 5 }, () => newProducer(server.url)));
    const body = (i: number, seq: number) => [...records(`p${i}s${seq}-`, 0, 6), { value: `p${i}s${seq}-unkeyed` }];
    const answered = new Map<string, { partition: number; offset: number }>();
    const keep = (batch: Array<{ value: string }>, offsets: ProduceReply["offsets"]) => batch.forEach((r, i) => answered.set(r.value, offsets[i]));
    let acknowledged = 0;
    let enough: () => void = () => {};
    const enoughDone = new Promise<void>((resolve) => (enough = resolve));
    const url = server.url;
    // Each producer sends until the connection fails; it then holds the request it was sending.
    const pending = producers.map(async (p, i) => {
      for (let seq = 0; ; seq++) {
        const batch = body(i, seq);
        const res = await produce(url, "busy", batch, p, seq).catch(() => null);
        if (!res) return seq;
        keep(batch, await offsetsOf(res));
        if (++acknowledged >= 25) enough();
      }
    });
    await enoughDone;
    await kill(server.child, server.exited);
    const inFlight = await Promise.all(pending);

    server = await serveOn(data.dir);
    await Promise.all(producers.map(async (p, i) => {
      for (let seq = inFlight[i]; seq < inFlight[i] + 3; seq++) {
        const batch = body(i, seq);
        keep(batch, await offsetsOf(await produce(server.url, "busy", batch, p, seq)));
      }
    }));
    const stored = await contents(server.url, "busy", 4);
    assert.is(stored.size, answered.size, "every stored record was answered, none stored twice");
    for (const [value, at] of answered) assert.equal(stored.get(value), [at.partition, at.offset], `${value} where its answer says`);
  } finally {
    server.child.kill("SIGKILL");
    await server.exited;
    data.remove();
  }
});

test.run();
