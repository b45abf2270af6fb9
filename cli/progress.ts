/**
 * A one-line progress display on stderr, drawn only when stderr is a terminal (so pipes and
 * logs stay clean) and at most ten times a second.
 */
export class Progress {
  #label: string;
  #total: number | null;
  #done = 0;
  #started = Date.now();
  #drawn = 0;
  #enabled: boolean;

  /**
   * @param label what is being counted
   * @param total the expected count, or null when unknown
   */
  constructor(label: string, total: number | null = null) {
    this.#label = label;
    this.#total = total;
    this.#enabled = Boolean((process.stderr as { isTTY?: boolean }).isTTY);
  }

  /** Adds `n` to the count and redraws when due. */
  add(n: number): void {
    this.#done += n;
    const now = Date.now();
    if (this.#enabled && now - this.#drawn >= 100) {
      this.#drawn = now;
      this.#draw();
    }
  }

  /** Draws the final state and moves to a new line. */
  finish(): void {
    if (!this.#enabled) return;
    this.#draw();
    process.stderr.write("\n");
  }

  #draw(): void {
    const seconds = Math.max((Date.now() - this.#started) / 1000, 0.001);
    const rate = Math.round(this.#done / seconds).toLocaleString("en-US");
    let bar = "";
    if (this.#total) {
      const filled = Math.round((Math.min(this.#done, this.#total) / this.#total) * 30);
      bar = `[${"#".repeat(filled)}${".".repeat(30 - filled)}] `;
    }
    const count = this.#total ? `${this.#done}/${this.#total}` : `${this.#done}`;
    process.stderr.write(`\r${bar}${this.#label}: ${count} (${rate}/s)   `);
  }
}
