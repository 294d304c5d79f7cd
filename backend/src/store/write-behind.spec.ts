import { jest } from '@jest/globals';

import { WriteBehind } from './write-behind.js';

const DELAY = 200;

/** A disk whose writes finish when the spec says so, recording what was written in order. */
class HeldDisk {
  readonly written: [string, string][] = [];
  private readonly held: (() => void)[] = [];
  inFlight = 0;

  readonly write = (key: string, value: string): Promise<void> => {
    this.inFlight += 1;
    return new Promise((resolve) =>
      this.held.push(() => {
        this.inFlight -= 1;
        this.written.push([key, value]);
        resolve();
      }),
    );
  };

  /** Lets every write in flight finish. */
  async finish(): Promise<void> {
    for (const done of this.held.splice(0)) done();
    await jest.advanceTimersByTimeAsync(0);
  }
}

describe('WriteBehind (a room’s writes, coalesced)', () => {
  let disk: HeldDisk;
  let failures: unknown[];
  let writes: WriteBehind<string>;

  beforeEach(() => {
    jest.useFakeTimers();
    disk = new HeldDisk();
    failures = [];
    writes = new WriteBehind<string>(DELAY, disk.write, (_key, error) => failures.push(error));
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes a burst of chat lines once, the last, after the delay', async () => {
    for (let line = 1; line <= 5; line += 1) writes.put('room', `line ${line}`, false);
    await jest.advanceTimersByTimeAsync(DELAY - 1);
    expect(disk.inFlight).toBe(0);
    expect(writes.pending('room')).toBe('line 5');

    await jest.advanceTimersByTimeAsync(1);
    await disk.finish();
    expect(disk.written).toEqual([['room', 'line 5']]);
    expect(writes.pending('room')).toBeUndefined();
  });

  it('counts the delay from the first unwritten change, so a steady stream is written once per interval', async () => {
    writes.put('room', 'a', false);
    await jest.advanceTimersByTimeAsync(DELAY / 2);
    writes.put('room', 'b', false);
    await jest.advanceTimersByTimeAsync(DELAY / 2);
    await disk.finish();
    expect(disk.written).toEqual([['room', 'b']]);

    // A change during a write waits a whole interval after that write ends.
    writes.put('room', 'c', false);
    await jest.advanceTimersByTimeAsync(DELAY);
    expect(disk.inFlight).toBe(1);
    writes.put('room', 'd', false);
    await disk.finish();
    await jest.advanceTimersByTimeAsync(DELAY - 1);
    expect(disk.written.map(([, v]) => v)).toEqual(['b', 'c']);
    await jest.advanceTimersByTimeAsync(1);
    await disk.finish();
    expect(disk.written.map(([, v]) => v)).toEqual(['b', 'c', 'd']);
  });

  it('writes an urgent change at once, carrying the chat waiting before it', async () => {
    writes.put('room', 'chat', false);
    writes.put('room', 'chat + a new song', true);
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    expect(disk.written).toEqual([['room', 'chat + a new song']]);
    await jest.advanceTimersByTimeAsync(DELAY * 2);
    expect(disk.inFlight).toBe(0); // the timer the chat armed writes nothing more
  });

  it('writes an urgent change that comes during a write right after it, not a delay later', async () => {
    writes.put('room', 'song 1', true);
    writes.put('room', 'song 2', true);
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    expect(disk.written.map(([, v]) => v)).toEqual(['song 1', 'song 2']);
  });

  it('keeps rooms apart: each room has its own delay and write', async () => {
    writes.put('a', 'a1', false);
    writes.put('b', 'b1', true);
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    await jest.advanceTimersByTimeAsync(DELAY);
    await disk.finish();
    expect(disk.written).toEqual([
      ['b', 'b1'],
      ['a', 'a1'],
    ]);
  });

  it('flush writes everything waiting without waiting out the delay (graceful shutdown)', async () => {
    writes.put('a', 'a1', false);
    writes.put('b', 'b1', false);
    let flushed = false;
    const flushing = writes.flush().then(() => (flushed = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(disk.inFlight).toBe(2);
    expect(flushed).toBe(false);
    await disk.finish();
    await flushing;
    expect(disk.written.sort()).toEqual([
      ['a', 'a1'],
      ['b', 'b1'],
    ]);
  });

  it('flush also waits for a change made while it writes', async () => {
    writes.put('room', 'first', false);
    const flushing = writes.flush();
    await jest.advanceTimersByTimeAsync(0);
    writes.put('room', 'second', false);
    await disk.finish();
    expect(disk.inFlight).toBe(1); // the second is written at once: a flush is under way
    await disk.finish();
    await flushing;
    expect(disk.written.map(([, v]) => v)).toEqual(['first', 'second']);
  });

  it('settle writes one room now (a room leaving memory) and leaves the others to their delay', async () => {
    writes.put('gone', 'last words', false);
    writes.put('busy', 'chat', false);
    const settled = writes.settle('gone');
    await jest.advanceTimersByTimeAsync(0);
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    await settled;
    expect(disk.written).toEqual([['gone', 'last words']]);
    expect(writes.pending('busy')).toBe('chat');
  });

  it('reports a failed write and goes on with the next value', async () => {
    const broken = new WriteBehind<string>(0, (_key, value) => (value === 'bad' ? Promise.reject(new Error('disk full')) : disk.write(_key, value)), (_key, error) =>
      failures.push(error),
    );
    broken.put('room', 'bad', false);
    await jest.advanceTimersByTimeAsync(0);
    broken.put('room', 'good', false);
    await jest.advanceTimersByTimeAsync(0);
    await disk.finish();
    await broken.flush();
    expect(failures).toEqual([new Error('disk full')]);
    expect(disk.written).toEqual([['room', 'good']]);
  });

  it('writes every change at once with a delay of 0 (write-through)', async () => {
    const through = new WriteBehind<string>(0, disk.write, () => undefined);
    through.put('room', 'line', false);
    expect(disk.inFlight).toBe(1);
    await disk.finish();
    expect(disk.written).toEqual([['room', 'line']]);
  });
});
