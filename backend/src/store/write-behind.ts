/**
 * Write-behind per key: each key's latest value is written, the values in
 * between are skipped, one write per key at a time. A value put normally waits
 * `delayMs` (from its first unwritten change, or from the end of the key's
 * last write), so a stream of changes becomes one write per interval; an
 * urgent one is written as soon as the key's write in flight, if any, is done.
 */
export class WriteBehind<T> {
  /** The latest value of each key not yet handed to `write`. */
  private readonly unwritten = new Map<string, T>();
  private readonly urgent = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly writing = new Map<string, Promise<void>>();
  /** Keys whose last write failed (cleared by the next that succeeds). */
  private readonly failing = new Set<string>();

  constructor(
    private readonly delayMs: number,
    /** Writes one value; it should not throw (a thrown error goes to `failed`, the value is dropped). */
    private readonly write: (key: string, value: T) => Promise<void>,
    private readonly failed: (key: string, error: unknown) => void,
  ) {}

  put(key: string, value: T, urgent: boolean): void {
    this.unwritten.set(key, value);
    if (urgent) this.urgent.add(key);
    this.next(key);
  }

  /** The key's value still waiting to be written, if any. */
  pending(key: string): T | undefined {
    return this.unwritten.get(key);
  }

  /** Settles the key (below); true if its last write succeeded (or it never had one). */
  async written(key: string): Promise<boolean> {
    await this.settle(key);
    return !this.failing.has(key);
  }

  /** Writes the key's waiting value now and resolves once the key has nothing waiting or in flight. */
  async settle(key: string): Promise<void> {
    while (this.unwritten.has(key) || this.writing.has(key)) {
      if (this.unwritten.has(key)) {
        this.urgent.add(key);
        this.next(key);
      }
      await this.writing.get(key);
    }
  }

  /** Writes every waiting value now and resolves once all are written. */
  async flush(): Promise<void> {
    while (this.unwritten.size > 0 || this.writing.size > 0) {
      await Promise.all([...new Set([...this.unwritten.keys(), ...this.writing.keys()])].map((key) => this.settle(key)));
    }
  }

  private next(key: string): void {
    if (this.writing.has(key) || !this.unwritten.has(key)) return; // the write in flight calls next when done
    if (this.urgent.has(key) || this.delayMs === 0) this.start(key);
    else if (!this.timers.has(key)) {
      this.timers.set(
        key,
        // Unref'd: a waiting write never holds the process open; shutdown flushes instead.
        setTimeout(() => {
          this.timers.delete(key);
          this.start(key);
        }, this.delayMs).unref(),
      );
    }
  }

  private start(key: string): void {
    const value = this.unwritten.get(key);
    if (value === undefined || this.writing.has(key)) return;
    this.unwritten.delete(key);
    this.urgent.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const written = this.write(key, value)
      .then(
        () => void this.failing.delete(key),
        (error: unknown) => {
          this.failing.add(key);
          this.failed(key, error);
        },
      )
      .finally(() => {
        this.writing.delete(key);
        this.next(key);
      });
    this.writing.set(key, written);
  }
}
