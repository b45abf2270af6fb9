/**
 * A private network namespace for chaos tests, where the test may cut traffic between loopback
 * addresses without touching the machine's network. A test file calls
 * {@link runInPrivateNetwork} first: outside a namespace it re-executes itself under
 * `unshare -rn` (a user and network namespace: root inside, nobody outside) and exits with the
 * child's status; inside, it sets the namespace up and returns, and the file's tests run there,
 * with every process they start (etcd, brokers) in the same namespace.
 *
 * How a cut is silent on loopback: an `ip rule ... blackhole` (or `unreachable`, `prohibit`)
 * fails a local sender at once (`connect()` gets EINVAL), which is a loud fault, not a
 * partition; and for loopback packets there is no input route lookup to drop them at. So a cut
 * routes the pair's packets into a veth whose peer is down (the "sink"): the sender's route
 * lookup succeeds and the packets vanish, as on a real network. Loopback sources on a non-loopback
 * device need `route_localnet`, and the local table's rule (priority 0, which would deliver them
 * first) is moved below the cut rules.
 *
 * Mind: a socket that does not bind takes 127.0.0.1 as its source for every 127.0.0.0/8
 * destination, so a cut between two addresses only separates a listener at one address from
 * the clients at 127.0.0.1 (or processes that bind their outgoing sockets). To cut one process
 * off from an address whatever its sockets' source, run it as its own user and cut by user id
 * ({@link NetworkCuts.cutUser}, an `ip rule ... uidrange` on its outgoing packets): that needs
 * real root, so as root the namespace is made with `unshare -n` (no user namespace, every uid
 * there); otherwise with `unshare -rn`, where only uid 0 exists and user cuts are not offered.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scriptCommand } from "../../../runtime/spawn-script.ts";

const marker = "RIVULET_CHAOS_NETNS";
/** Set in the namespace when it was made by real root: processes may run as other users. */
const rootMarker = "RIVULET_CHAOS_NETNS_ROOT";
/** The routing table the cut rules point at; it sends everything into the sink. */
const cutTable = "100";
/** Cut rules sit here, above the local table's rule (moved to {@link localRulePref}). */
const cutPref = "100";
const localRulePref = "32000";
const root = fileURLToPath(new URL("../../..", import.meta.url));

/** True inside the namespace {@link runInPrivateNetwork} made. */
export function insidePrivateNetwork(): boolean {
  return process.env[marker] === "1";
}

/** True inside a namespace made by real root, where {@link NetworkCuts.cutUser} works. */
export function userCutsAvailable(): boolean {
  return insidePrivateNetwork() && process.env[rootMarker] === "1";
}

/** `unshare`'s flags: a network namespace, in a user namespace unless this is real root. */
function unshareFlags(): string[] {
  return process.getuid?.() === 0 ? ["-n"] : ["-rn"];
}

/** Why a private network cannot be had here (or is not wanted: `RIVULET_CHAOS_NO_NETNS=1`), or null when it can. */
export function privateNetworkMissingReason(): string | null {
  if (process.env.RIVULET_CHAOS_NO_NETNS === "1") return "RIVULET_CHAOS_NO_NETNS=1";
  if (process.platform !== "linux") return `private network namespaces need Linux (this is ${process.platform})`;
  const probe = spawnSync("unshare", [...unshareFlags(), "ip", "link", "set", "lo", "up"], { stdio: "pipe" });
  if (probe.error || probe.status !== 0) return `unshare ${unshareFlags().join(" ")} is not allowed here (${probe.error?.message ?? probe.stderr.toString().trim()})`;
  return null;
}

function ip(...args: string[]): void {
  const result = spawnSync("ip", args, { stdio: "pipe" });
  if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr.toString().trim() || result.error?.message}`);
}

/** Sets the namespace up: loopback up, the sink, its table, the local rule moved down. */
function setUp(): void {
  ip("link", "set", "lo", "up");
  ip("link", "add", "chaos-sink", "type", "veth", "peer", "name", "chaos-sink-peer");
  ip("link", "set", "chaos-sink", "up"); // its peer stays down: what goes in is dropped
  for (const dev of ["all", "chaos-sink"]) writeFileSync(`/proc/sys/net/ipv4/conf/${dev}/route_localnet`, "1");
  ip("route", "add", "127.0.0.0/8", "dev", "chaos-sink", "table", cutTable);
  ip("rule", "add", "pref", localRulePref, "lookup", "local");
  ip("rule", "del", "pref", "0", "lookup", "local");
}

/**
 * Outside the namespace: runs this test file again inside one (`unshare -n` as real root,
 * `unshare -rn` otherwise) and exits with its status (never
 * returns). Inside: sets the namespace up (once) and returns.
 *
 * @param file the calling test file (`import.meta.url`)
 */
export async function runInPrivateNetwork(file: string): Promise<void> {
  if (insidePrivateNetwork()) {
    setUp();
    return;
  }
  const { command, args } = scriptCommand(fileURLToPath(file));
  const flags = unshareFlags();
  const child = spawn("unshare", [...flags, command, ...args], { cwd: root, env: { ...process.env, [marker]: "1", [rootMarker]: flags.includes("-n") ? "1" : "0" }, stdio: "inherit" });
  const code = await new Promise<number>((resolve) => child.on("close", (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  process.exit(code);
}

/** Cuts and heals traffic between loopback addresses, or from a user's processes to an address. */
export class NetworkCuts {
  /** The selector of each cut rule in place (what follows `ip rule add pref N`), by a readable key. */
  #cuts = new Map<string, string[]>();

  #add(key: string, selector: string[]): void {
    if (this.#cuts.has(key)) return;
    ip("rule", "add", "pref", cutPref, ...selector, "lookup", cutTable);
    this.#cuts.set(key, selector);
  }

  #remove(key: string): void {
    const selector = this.#cuts.get(key);
    if (!selector) return;
    ip("rule", "del", "pref", cutPref, ...selector, "lookup", cutTable);
    this.#cuts.delete(key);
  }

  /** Drops every packet from `a` to `b` and from `b` to `a`, silently, until healed. */
  cut(a: string, b: string): void {
    for (const [from, to] of [[a, b], [b, a]]) this.#add(`${from} ${to}`, ["from", from, "to", to]);
  }

  /** Lets traffic between `a` and `b` through again. */
  heal(a: string, b: string): void {
    this.#remove(`${a} ${b}`);
    this.#remove(`${b} ${a}`);
  }

  /**
   * Drops every packet that processes of user `uid` send to `address`, silently: a connection
   * they open there hangs, one they had stalls (TCP needs both ways). Only where
   * {@link userCutsAvailable}.
   */
  cutUser(uid: number, address: string): void {
    this.#add(`uid ${uid} ${address}`, ["uidrange", `${uid}-${uid}`, "to", address]);
  }

  /** Undoes {@link cutUser}. */
  healUser(uid: number, address: string): void {
    this.#remove(`uid ${uid} ${address}`);
  }

  /** Heals every cut. */
  healAll(): void {
    for (const key of [...this.#cuts.keys()]) this.#remove(key);
  }

  /** The cuts in place: `from to` pairs and `uid N address`. */
  get active(): string[] {
    return [...this.#cuts.keys()];
  }
}
