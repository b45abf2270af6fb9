/**
 * A real broker in a temporary directory with a Kafka listener on a free 127.0.0.1 port, and
 * kafkajs clients pointed at it. Tests only.
 */
import "./kafkajs-timers.ts";
import { Kafka, logLevel } from "kafkajs";
import { Broker } from "../../../transactions/broker.ts";
import { tempDir } from "../temp-dir.ts";
import { startKafkaListener, type KafkaListener, type KafkaListenerOptions } from "../../../kafka/listener.ts";

/** A running broker + listener. */
export interface Harness {
  broker: Broker;
  listener: KafkaListener;
  /** "127.0.0.1:<port>" */
  address: string;
  kafka(clientId?: string): Kafka;
  close(): Promise<void>;
}

/** Opens a broker and its listener; `close()` stops both and removes the directory. */
export async function startHarness(options: KafkaListenerOptions = {}): Promise<Harness> {
  const tmp = tempDir();
  const broker = await Broker.open({ dataDir: tmp.dir, maxWorkers: 2 });
  const listener = await startKafkaListener(broker, { host: "127.0.0.1", port: 0, ...options });
  const address = `127.0.0.1:${listener.port}`;
  return {
    broker,
    listener,
    address,
    kafka: (clientId = "rivulet-test") => new Kafka({ clientId, brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } }),
    async close() {
      await listener.close();
      await broker.close();
      tmp.remove();
    },
  };
}
