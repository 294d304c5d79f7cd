/** A token bucket: `capacity` at once, refilled at `perSecond`. Time is passed in, so it is pure to test. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled to its capacity (nothing taken that still counts). */
  isFull(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    return this.tokens + elapsed * this.perSecond >= this.capacity;
  }

  /** Returns a token taken for something that turned out not to count. */
  giveBack(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }
}
