/** A progress line on stderr: redrawn in place on a terminal, one line every few seconds otherwise. */
export class Progress {
  private readonly started = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Reports `done` of `total`. */
  update(done: number): void {
    const now = Date.now();
    const interval = this.out.isTTY ? 100 : 5000;
    if (done < this.total && now - this.lastPrint < interval) return;
    this.lastPrint = now;
    const fraction = this.total === 0 ? 1 : done / this.total;
    const width = 30;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    const rate = Math.round(done / Math.max(0.001, (now - this.started) / 1000));
    const line = `${this.label} [${bar}] ${Math.floor(fraction * 100)}% ${done}/${this.total} (${rate}/s)`;
    this.out.write(this.out.isTTY ? `\r${line}` : `${line}\n`);
    if (done >= this.total && this.out.isTTY) this.out.write('\n');
  }
}
