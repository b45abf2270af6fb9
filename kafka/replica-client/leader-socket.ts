/**
 * A Kafka client connection for a follower: `node:net` (the same on Node, Bun and Deno), frames
 * decoded by the listener's own {@link FrameDecoder}, requests matched to responses in order by
 * correlation id (a Kafka broker answers each connection in order).
 *
 * A request that gets no answer within its timeout, a malformed or mismatched answer, or a
 * closed socket fails every request in flight and closes the connection: the follower reconnects.
 */
import { connect, isIP, type Socket } from "node:net";
import { connect as connectTls, rootCertificates } from "node:tls";
import { RivuletError } from "../../core/errors.ts";
import { FrameDecoder } from "../frame-decoder.ts";
import { decodeResponseHeader, encodeRequestHeader } from "../protocol/header.ts";
import { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  resolve(reader: Reader): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The TLS a broker connects to another broker's Kafka listener with when its own listener
 * speaks TLS: trusting the system's root certificates and `trust` (the broker's own
 * certificate: the cluster's brokers share one, or one CA signed theirs).
 */
export function brokerTls(trust: string): { ca: string[] } {
  return { ca: [...rootCertificates, trust] };
}

export class LeaderSocket {
  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #clientId: string;
  #pending: Pending[] = [];
  #nextCorrelation = 1;
  #closed: RivuletError | null = null;

  private constructor(socket: Socket, frameBytesMax: number, clientId: string) {
    this.#socket = socket;
    this.#decoder = new FrameDecoder(frameBytesMax);
    this.#clientId = clientId;
    socket.on("data", (chunk: Uint8Array) => this.#received(chunk));
    socket.on("close", () => this.#fail(new RivuletError("partition_unavailable", "the connection to the leader closed")));
    socket.on("error", (error: Error) => this.#fail(new RivuletError("partition_unavailable", `the connection to the leader failed: ${error.message}`)));
  }

  /**
   * Connects to `host:port` within `timeoutMs`; with `tls`, over TLS trusting the certificates
   * `tls.ca` (the leader's certificate is verified against them and its host name or IP).
   */
  static open(endpoint: { host: string; port: number }, options: { timeoutMs: number; frameBytesMax: number; clientId: string; tls?: { ca: string[] } }): Promise<LeaderSocket> {
    return new Promise((resolve, reject) => {
      const socket = options.tls
        ? connectTls({ host: endpoint.host, port: endpoint.port, ca: options.tls.ca, ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }) })
        : connect({ host: endpoint.host, port: endpoint.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RivuletError("timeout", `no connection to ${endpoint.host}:${endpoint.port} within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.once(options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new LeaderSocket(socket, options.frameBytesMax, options.clientId));
      });
      socket.once("error", (error: Error) => {
        clearTimeout(timer);
        reject(new RivuletError("partition_unavailable", `cannot connect to ${endpoint.host}:${endpoint.port}: ${error.message}`));
      });
    });
  }

  /**
   * Sends one request and resolves with a reader over the response body.
   * @throws {RivuletError} `timeout`, `partition_unavailable` (connection lost)
   */
  request(apiKey: number, apiVersion: number, body: (writer: Writer) => void, timeoutMs: number): Promise<Reader> {
    if (this.#closed) return Promise.reject(this.#closed);
    const correlationId = this.#nextCorrelation++;
    const writer = new Writer();
    writer.int32(0);
    encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId: this.#clientId });
    body(writer);
    const bytes = writer.toBytes();
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setInt32(0, bytes.length - 4);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#fail(new RivuletError("timeout", `the leader did not answer within ${timeoutMs} ms`)), timeoutMs);
      this.#pending.push({ correlationId, apiKey, apiVersion, resolve, reject, timer });
      this.#socket.write(bytes);
    });
  }

  close(): void {
    this.#fail(new RivuletError("closed", "the connection to the leader was closed"));
  }

  #received(chunk: Uint8Array): void {
    try {
      for (const frame of this.#decoder.push(chunk)) {
        const pending = this.#pending.shift();
        if (!pending) throw new RivuletError("invalid_request", "the leader sent a response nobody asked for");
        const reader = new Reader(frame);
        const { correlationId } = decodeResponseHeader(reader, pending.apiKey, pending.apiVersion);
        if (correlationId !== pending.correlationId) throw new RivuletError("invalid_request", `the leader answered correlation id ${correlationId}, expected ${pending.correlationId}`);
        clearTimeout(pending.timer);
        pending.resolve(reader);
      }
    } catch (error) {
      this.#fail(error instanceof RivuletError ? error : new RivuletError("invalid_request", `bad response from the leader: ${String(error)}`));
    }
  }

  #fail(error: RivuletError): void {
    if (!this.#closed) this.#closed = error;
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.#socket.destroy();
  }
}
