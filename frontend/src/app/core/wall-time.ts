/** Hours and minutes in the reader's own time zone and locale, e.g. "14:05" or "2:05 PM". */
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
/** The full moment, for a tooltip. */
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * When something happened in the room (a chat line, a request), from the server's
 * epoch-millisecond time: the clock time to show, the full date for a tooltip and
 * the machine-readable form for `<time datetime>`. Clock time rather than "3 min
 * ago": it needs no ticking timer and reads the same in the chat and the requests.
 */
export interface WallTime {
  readonly clock: string;
  readonly full: string;
  readonly iso: string;
}

export function wallTime(at: number): WallTime {
  const date = new Date(at);
  return { clock: CLOCK.format(date), full: FULL.format(date), iso: date.toISOString() };
}
