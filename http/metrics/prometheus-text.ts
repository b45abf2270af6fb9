/** A small writer of the Prometheus text exposition format (version 0.0.4). */

/** Label names → values. */
export type Labels = Record<string, string | number>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Builds exposition text family by family; each family's HELP and TYPE appear once. */
export class PrometheusText {
  #lines: string[] = [];
  #declared = new Set<string>();

  /**
   * Adds one sample, declaring its family on first use.
   *
   * @param name metric name (`rivulet_…`, counters end in `_total`)
   * @param type `counter` or `gauge`
   * @param help one line of help
   * @param value the sample value
   * @param labels label names → values
   */
  sample(name: string, type: "counter" | "gauge", help: string, value: number, labels: Labels = {}): void {
    if (!this.#declared.has(name)) {
      this.#declared.add(name);
      this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    }
    const entries = Object.entries(labels);
    const labelText = entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}="${escapeLabel(String(v))}"`).join(",")}}`;
    this.#lines.push(`${name}${labelText} ${formatValue(value)}`);
  }

  /** Declares a family with no samples yet (so scrapers see it exists). */
  declare(name: string, type: "counter" | "gauge", help: string): void {
    if (this.#declared.has(name)) return;
    this.#declared.add(name);
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  /** The exposition text. */
  toString(): string {
    return this.#lines.join("\n") + "\n";
  }
}
