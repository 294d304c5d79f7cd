import { Service, computed, inject, signal } from '@angular/core';
import { noticeText, type ChatLine } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { SocketClient } from '../core/socket-client';
import { wallTime, type WallTime } from '../core/wall-time';

/** A chat line as the panel shows it: notices worded, times formatted, the reader's own lines known. */
export interface ChatEntry {
  readonly id: string;
  readonly kind: ChatLine['kind'];
  /** The sender's name; null for notices. */
  readonly author: string | null;
  /** The sender was the admin when they wrote it. */
  readonly admin: boolean;
  readonly mine: boolean;
  /** The message, or the notice in the protocol's wording. Shown as text, never as HTML. */
  readonly text: string;
  readonly time: WallTime;
}

interface ReadMark {
  readonly id: string;
  readonly at: number;
}

/** The room's chat: the lines, sending one, and how many arrived since the reader last saw the newest. */
@Service()
export class ChatStore {
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);
  private readonly _sending = signal(false);
  private readonly _error = signal<string | null>(null);
  private readonly readMark = signal<ReadMark | null>(null, { equal: (a, b) => a?.id === b?.id });

  readonly lines = computed<readonly ChatEntry[]>(() => {
    const me = this.session.personId();
    return this.session.chat().map((line) => toEntry(line, me));
  });
  /** A line is on its way; the composer waits for its answer. */
  readonly sending = this._sending.asReadonly();
  /** Why the last line was refused (e.g. sent too fast), until the next one goes out. */
  readonly error = this._error.asReadonly();
  /** Lines after the newest one the reader has seen. */
  readonly unread = computed(() => {
    const lines = this.session.chat();
    const mark = this.readMark();
    if (mark === null) return lines.length;
    const index = lines.findIndex((line) => line.id === mark.id);
    // The line read last may have dropped off the top of the kept history: count by time then.
    return index >= 0 ? lines.length - 1 - index : lines.filter((line) => line.at > mark.at).length;
  });

  /** Resolves true once the server took the line (it reaches everyone by the chat:line broadcast). */
  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (trimmed === '' || this._sending()) return false;
    this._sending.set(true);
    this._error.set(null);
    const result = await this.socket.request('chat:send', { text: trimmed });
    this._sending.set(false);
    if (!result.ok) {
      this._error.set(result.error.message);
      return false;
    }
    this.session.applyChatLine(result.line);
    return true;
  }

  /** The reader has seen every line there is now. */
  markRead(): void {
    const newest = this.session.chat().at(-1);
    if (newest) this.readMark.set({ id: newest.id, at: newest.at });
  }
}

function toEntry(line: ChatLine, me: string | null): ChatEntry {
  const time = wallTime(line.at);
  if (line.kind === 'notice') {
    return { id: line.id, kind: 'notice', author: null, admin: false, mine: false, text: noticeText(line.notice), time };
  }
  return { id: line.id, kind: 'message', author: line.name, admin: line.admin, mine: line.personId === me, text: line.text, time };
}
