import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect, createServer, type Server, type Socket } from "node:net";
import { spawn } from "node:child_process";
import { insidePrivateNetwork, NetworkCuts, privateNetworkMissingReason, runInPrivateNetwork, userCutsAvailable } from "./private-network.ts";
import { within } from "../etcd.ts";

const skip = insidePrivateNetwork() ? null : privateNetworkMissingReason();
if (skip) console.log(`SKIP ${skip}`);
else await runInPrivateNetwork(import.meta.url);

/** How long a connect to a cut address must stay pending to count as hanging (a negative check: bounded by its nature). */
const hangMs = 1_500;

/** Connects from 127.0.0.1 to `host:port`: "connected", "refused"/an error code, or "hung" when nothing happened within `ms`. */
function tryConnect(host: string, port: number, ms = hangMs): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, localAddress: "127.0.0.1" });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("hung");
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? String(error));
    });
  });
}

async function listen(host: string): Promise<{ server: Server; port: number; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as { port: number }).port, accepted };
}

test("a cut between two loopback addresses is silent, is only between them, and heals", async () => {
  if (skip) return;
  const two = await listen("127.0.0.2");
  const three = await listen("127.0.0.3");
  const cuts = new NetworkCuts();
  try {
    assert.is(await tryConnect("127.0.0.2", two.port), "connected", "before the cut");
    // an established connection, to see that a cut stalls it and a heal resumes it
    const client = connect({ host: "127.0.0.2", port: two.port, localAddress: "127.0.0.1" });
    await within(new Promise((resolve) => client.once("connect", resolve)), 10_000, "connect before the cut");
    while (two.accepted.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const serverSide = two.accepted[1];

    cuts.cut("127.0.0.1", "127.0.0.2");
    assert.equal(cuts.active, ["127.0.0.1 127.0.0.2", "127.0.0.2 127.0.0.1"]);
    assert.is(await tryConnect("127.0.0.2", two.port), "hung", "a new connection hangs: no error, no answer");
    assert.is(await tryConnect("127.0.0.3", three.port), "connected", "other addresses are not cut");
    let received = "";
    serverSide.on("data", (d) => (received += d));
    client.write("across the cut");
    assert.is(await tryConnect("127.0.0.2", two.port), "hung", "still cut (and the write did not arrive meanwhile)");
    assert.is(received, "", "nothing crossed the cut");

    cuts.heal("127.0.0.1", "127.0.0.2");
    assert.equal(cuts.active, []);
    assert.is(await tryConnect("127.0.0.2", two.port, 10_000), "connected", "a heal lets new connections through");
    // TCP retransmits the stalled write once the path is back
    const arrived = new Promise<void>((resolve) => {
      if (received === "across the cut") return resolve();
      serverSide.on("data", () => received === "across the cut" && resolve());
    });
    await within(arrived, 30_000, "the stalled write arriving after the heal");
    client.destroy();
  } finally {
    cuts.healAll();
    two.server.close();
    three.server.close();
    for (const s of [...two.accepted, ...three.accepted]) s.destroy();
  }
});

test("healAll() removes every cut", async () => {
  if (skip) return;
  const two = await listen("127.0.0.2");
  const cuts = new NetworkCuts();
  try {
    cuts.cut("127.0.0.1", "127.0.0.2");
    cuts.cut("127.0.0.1", "127.0.0.3");
    assert.is(cuts.active.length, 4);
    cuts.healAll();
    assert.is(cuts.active.length, 0);
    assert.is(await tryConnect("127.0.0.2", two.port, 10_000), "connected");
  } finally {
    two.server.close();
  }
});

/** Connects to `host:port` from a process of user `uid` (bash's /dev/tcp): "connected" or "hung" (no answer within `ms`). */
function tryConnectAs(uid: number, host: string, port: number, ms = hangMs): Promise<string> {
  const script = `timeout ${ms / 1000} bash -c '</dev/tcp/${host}/${port}' && echo connected || echo "failed $?"`;
  const child = spawn("setpriv", ["--reuid", String(uid), "--regid", String(uid), "--clear-groups", "bash", "-c", script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  // timeout(1) exits 124 when the connect was still pending
  return new Promise((resolve) => child.on("close", () => resolve(out.trim() === "failed 124" ? "hung" : out.trim())));
}

test("cutUser() cuts one user's processes off from an address, and only them", async () => {
  if (skip) return;
  if (!userCutsAvailable()) return void console.log("  SKIP user cuts need real root (the namespace was made with unshare -rn)");
  const two = await listen("127.0.0.2");
  const cuts = new NetworkCuts();
  try {
    assert.is(await tryConnectAs(1001, "127.0.0.2", two.port, 10_000), "connected", "before the cut");
    cuts.cutUser(1001, "127.0.0.2");
    assert.equal(cuts.active, ["uid 1001 127.0.0.2"]);
    assert.is(await tryConnectAs(1001, "127.0.0.2", two.port), "hung", "user 1001 is cut off, silently");
    assert.is(await tryConnectAs(1002, "127.0.0.2", two.port, 10_000), "connected", "another user is not");
    assert.is(await tryConnect("127.0.0.2", two.port, 10_000), "connected", "nor is root, from the same source address");
    cuts.healUser(1001, "127.0.0.2");
    assert.is(await tryConnectAs(1001, "127.0.0.2", two.port, 10_000), "connected", "healed");
  } finally {
    cuts.healAll();
    two.server.close();
    for (const s of two.accepted) s.destroy();
  }
});

test.run();
