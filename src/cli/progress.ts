/**
 * A one-line live status for long steps: redrawn in place on a terminal, silent otherwise (logs
 * and pipes get only the final lines), and off entirely with --json.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #live: boolean;
  readonly #frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  #frame = 0;
  #text = '';
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: { json: boolean; stream?: NodeJS.WriteStream }) {
    this.#stream = options.stream ?? process.stderr;
    this.#live = !options.json && this.#stream.isTTY === true;
  }

  /** Shows `text` as the current state (a spinner turns beside it). */
  update(text: string): void {
    if (!this.#live) return;
    this.#text = text;
    this.#draw();
    this.#timer ??= setInterval(() => this.#draw(), 100);
    this.#timer.unref();
  }

  /** Clears the live line. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#live) this.#stream.write('\r\x1b[2K');
  }

  #draw(): void {
    const frame = this.#frames[this.#frame++ % this.#frames.length];
    const width = this.#stream.columns ?? 100;
    this.#stream.write(`\r\x1b[2K${frame} ${this.#text}`.slice(0, width + 8));
  }
}

/** A plain aligned text table. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
