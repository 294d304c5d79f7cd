import * as z from 'zod';

import { CHAT_MESSAGE_MAX_LENGTH } from './limits.js';

/**
 * Characters refused in chat text: C0/C1 controls (newlines included: a chat line
 * is one line) and the bidi embedding/override/isolate controls that could make
 * a line read as something else. Zero-width joiners stay (emoji need them); the
 * UI isolates every name and line (`<bdi>`) and never renders text as HTML.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Free text a person types (chat lines, request titles and notes): trimmed, non-empty, capped, no controls. */
export function textSchema(field: string, max: number) {
  return z
    .string(`${field} must be text`)
    .max(max * 4, `${field} is longer than ${max} characters`)
    .trim()
    .min(1, `${field} is empty`)
    .max(max, `${field} is longer than ${max} characters`)
    .refine((text) => !UNSAFE_TEXT_CHARACTERS.test(text), `${field} holds control characters`);
}

export const ChatSendSchema = z.strictObject({ text: textSchema('message', CHAT_MESSAGE_MAX_LENGTH) });
export type ChatSendRequest = z.input<typeof ChatSendSchema>;

/** What the server says in the chat by itself. The client words it (`noticeText`). */
export type ChatNotice =
  | { readonly type: 'joined'; readonly name: string }
  | { readonly type: 'left'; readonly name: string }
  | { readonly type: 'admin'; readonly name: string }
  | { readonly type: 'song-added'; readonly title: string }
  | { readonly type: 'song-removed'; readonly title: string }
  | { readonly type: 'skipped'; readonly title: string; readonly votes: number }
  | { readonly type: 'request-approved'; readonly title: string; readonly note: string | null }
  | { readonly type: 'request-rejected'; readonly title: string; readonly reason: string | null }
  | { readonly type: 'request-fulfilled'; readonly title: string };

/** One line of a room's chat. `at` is server time (ms since the epoch). */
export type ChatLine =
  | {
      readonly kind: 'message';
      readonly id: string;
      readonly at: number;
      /** The sender's person id (stable across reloads; see Member.personId). */
      readonly personId: string;
      readonly name: string;
      /** Whether the sender was the admin when they sent it. */
      readonly admin: boolean;
      readonly text: string;
    }
  | { readonly kind: 'notice'; readonly id: string; readonly at: number; readonly notice: ChatNotice };

export interface ChatSendResult {
  readonly line: ChatLine;
}

/** The one wording of each notice. */
export function noticeText(notice: ChatNotice): string {
  switch (notice.type) {
    case 'joined':
      return `${notice.name} joined`;
    case 'left':
      return `${notice.name} left`;
    case 'admin':
      return `${notice.name} is now the admin`;
    case 'song-added':
      return `"${notice.title}" was added to the playlist`;
    case 'song-removed':
      return `"${notice.title}" was removed from the playlist`;
    case 'skipped':
      return `"${notice.title}" was skipped by ${notice.votes} ${notice.votes === 1 ? 'vote' : 'votes'}`;
    case 'request-approved':
      return `The request for "${notice.title}" was approved${notice.note ? `: ${notice.note}` : ''}`;
    case 'request-rejected':
      return `The request for "${notice.title}" was rejected${notice.reason ? `: ${notice.reason}` : ''}`;
    case 'request-fulfilled':
      return `The request for "${notice.title}" is in the playlist`;
  }
}
