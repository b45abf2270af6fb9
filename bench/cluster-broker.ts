/**
 * One broker process for `rivulet bench --cluster`, as `rivulet serve` runs it (its own data
 * directory, worker threads, HTTP API and Kafka listener on fixed ports, so it comes back on the
 * same addresses after a kill -9), with the lease TTL the benchmark chose: the failover figure
 * is measured against it and printed with it. Without an etcd URL it runs alone (the baseline).
 * Prints `serving <url> kafka <port>` once listening; stops on SIGTERM.
 *
 * Usage: `<runtime> bench/cluster-broker.ts <dataDir> <port> <kafkaPort> [<brokerId> <etcdUrl> <leaseTtlMs>]`
 */
import { Broker } from "../groups/broker.ts";
import { serve } from "../server/serve.ts";
import { onShutdownSignal } from "../runtime/shutdown-signals.ts";

const [dataDir, portArg, kafkaPortArg, idArg, etcd, leaseArg] = process.argv.slice(2);
if (!dataDir || !portArg || !kafkaPortArg) throw new TypeError("usage: cluster-broker.ts <dataDir> <port> <kafkaPort> [<brokerId> <etcdUrl> <leaseTtlMs>]");
const leaseTtlMs = Number(leaseArg ?? 0);
// Renewals at a quarter of the TTL: two may fail before the lease lapses (as the default 1 s of 4 s).
const limits = etcd ? { brokerLeaseTtlMs: leaseTtlMs, brokerLeaseKeepAliveMs: Math.max(250, Math.floor(leaseTtlMs / 4)) } : {};
const broker = await Broker.open({ dataDir, maxWorkers: 2, limits });
const server = await serve(broker, {
  host: "127.0.0.1",
  port: Number(portArg),
  kafkaPort: Number(kafkaPortArg),
  limits,
  closeGraceMs: 200,
  ...(etcd ? { cluster: { etcd, brokerId: Number(idArg), name: "bench" } } : {}),
});
process.stdout.write(`serving ${server.url} kafka ${server.kafkaPort}\n`);
await new Promise<void>((done) => {
  const off = onShutdownSignal(() => {
    off();
    done();
  });
});
await server.close();
await broker.close();
process.exit(0);
