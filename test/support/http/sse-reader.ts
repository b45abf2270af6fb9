/** Test support: reads Server-Sent Events from a fetch response body. */

/** One parsed event. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Reads events and comments from an SSE body. */
export class SseReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = "";
  /** Comment lines seen (keep-alives). */
  comments = 0;
  #commentWaiters: Array<[number, () => void]> = [];

  /** @param body the response body */
  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next event, or null when the stream ends. */
  async next(): Promise<SseEvent | null> {
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const event: SseEvent = { data: "" };
        let isEvent = false;
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) this.#sawComment();
          else if (line.startsWith("id: ")) (event.id = line.slice(4), isEvent = true);
          else if (line.startsWith("event: ")) (event.event = line.slice(7), isEvent = true);
          else if (line.startsWith("data: ")) (event.data += line.slice(6), isEvent = true);
        }
        if (isEvent) return event;
        continue;
      }
      const { done, value } = await this.#reader.read();
      if (done) return null;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /**
   * Resolves once `count` comments have been seen. Comments are parsed while `next()` reads, so
   * call this with a `next()` pending: a test then waits for the keep-alive itself, not for a
   * time in which it should have come.
   */
  commentsReached(count: number): Promise<void> {
    if (this.comments >= count) return Promise.resolve();
    return new Promise((resolve) => this.#commentWaiters.push([count, resolve]));
  }

  #sawComment(): void {
    this.comments++;
    this.#commentWaiters = this.#commentWaiters.filter(([count, resolve]) => (this.comments >= count ? (resolve(), false) : true));
  }

  /** Stops reading and closes the stream. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }
}
