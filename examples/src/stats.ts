// The demo's bookkeeping and its two ways of showing it: one live terminal line, or plain lines
// when stdout is not a terminal (CI logs, pipes), then a summary table.

/** Latency samples in milliseconds; percentiles by sorting a copy (runs are bounded). */
export class Samples {
  #values: number[] = [];

  add(ms: number): void {
    this.#values.push(ms);
  }

  get count(): number {
    return this.#values.length;
  }

  /** The p-th percentile (0..100) by nearest rank; NaN when there are no samples. */
  percentile(p: number): number {
    if (this.#values.length === 0) return NaN;
    const sorted = Float64Array.from(this.#values).sort();
    const rank = Math.ceil((p / 100) * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
  }

  /** Empties the samples, returning how many there were. */
  clear(): number {
    const n = this.#values.length;
    this.#values = [];
    return n;
  }
}

export function ms(value: number): string {
  if (Number.isNaN(value)) return "-";
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`;
}

export function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString("en-US");
}

/** Renders rows as an aligned table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Where progress goes: a live line that rewrites itself on a terminal, plain lines elsewhere. */
export class Progress {
  #out: NodeJS.WritableStream;
  #live: boolean;
  #shown = false;

  constructor(out: NodeJS.WritableStream, live: boolean) {
    this.#out = out;
    this.#live = live;
  }

  show(text: string): void {
    // \r back to column 0, ESC[K clears what a longer previous line left behind.
    this.#out.write(this.#live ? `\r${text}\x1b[K` : `${text}\n`);
    this.#shown = true;
  }

  /** Leaves the live line in place and moves below it. */
  done(): void {
    if (this.#live && this.#shown) this.#out.write("\n");
  }
}
