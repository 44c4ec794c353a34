/**
 * A progress bar on stderr for commands that run over many tensors or large matrices. It appears
 * only when stderr is a terminal and only once the work has run for a second, so quick commands and
 * piped output never see it.
 */

/** The stream a progress bar draws on: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Milliseconds of work before the bar first appears. */
const DELAY = 1000;
/** Minimum milliseconds between redraws. */
const INTERVAL = 100;

/** Counts steps of a piece of work and draws `label [#####.....] 12/40 name` on a terminal. */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #total: number;
  readonly #label: string;
  readonly #now: () => number;
  readonly #start: number;
  #done = 0;
  #lastDraw = -Infinity;
  #shown = false;

  constructor(label: string, total: number, stream: ProgressStream = process.stderr, now: () => number = Date.now) {
    this.#label = label;
    this.#total = total;
    this.#stream = stream;
    this.#now = now;
    this.#start = now();
  }

  /** Records one finished step (`item` names the next one, for the display) and redraws if due. */
  step(item = ""): void {
    this.#done++;
    if (this.#stream.isTTY !== true) return;
    const time = this.#now();
    if (time - this.#start < DELAY || time - this.#lastDraw < INTERVAL) return;
    this.#lastDraw = time;
    this.#shown = true;
    const width = 24;
    const filled = this.#total === 0 ? width : Math.round((width * this.#done) / this.#total);
    const line = `${this.#label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.#done}/${this.#total} ${item}`;
    const columns = this.#stream.columns ?? 80;
    this.#stream.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
  }

  /** Clears the bar's line, if it was drawn. */
  finish(): void {
    if (!this.#shown) return;
    const columns = this.#stream.columns ?? 80;
    this.#stream.write(`\r${" ".repeat(columns - 1)}\r`);
    this.#shown = false;
  }
}
