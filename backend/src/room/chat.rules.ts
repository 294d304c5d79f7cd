import type { ChatLine, ChatNotice } from '@musync/protocol';

import { requireMember, type RoomResult, type Rules } from './room.state.js';

export interface ChatCommand {
  readonly type: 'chat:send';
  readonly text: string;
}

/**
 * Anyone in the room may chat; the text was checked at the edge (the protocol's
 * ChatSendSchema) and is kept exactly as sent: never markup, only text.
 */
export const chatRules: Rules<ChatCommand> = {
  'chat:send': (state, command, actor, now) => {
    const member = requireMember(state, actor);
    const message = {
      kind: 'message',
      personId: member.personId,
      name: member.name,
      admin: state.adminId === member.id,
      text: command.text,
    } as const;
    return withLine({ state, events: [], wakeups: [] }, message, now);
  },
};

/** Adds a server notice to the chat, in the same change as what it announces. */
export function withNotice(result: RoomResult, notice: ChatNotice, now: number): RoomResult {
  return withLine(result, { kind: 'notice', notice }, now);
}

type LineContent = ChatLine extends infer L ? (L extends ChatLine ? Omit<L, 'id' | 'at'> : never) : never;

/**
 * Appends a line, keeping the last `chatHistory`. Ids count up per room (the
 * count is persisted with the chat), so the pure reducer needs no randomness and
 * notices raised by server timers get ids like any other line.
 */
function withLine(result: RoomResult, content: LineContent, now: number): RoomResult {
  const { state } = result;
  const lineSeq = state.lineSeq + 1;
  const line = { ...content, id: String(lineSeq), at: now } as ChatLine;
  return {
    state: { ...state, chat: keepHistory([...state.chat, line], state.chatHistory), lineSeq },
    events: [...result.events, { name: 'chat:line', payload: line }],
    wakeups: result.wakeups,
  };
}

/** The last `history` lines: what a room keeps and a newcomer receives. */
export function keepHistory(chat: readonly ChatLine[], history: number): readonly ChatLine[] {
  return chat.slice(Math.max(0, chat.length - history));
}

/**
 * The lines of `chat` newer than line number `seq`, oldest first: what a change
 * added (line ids count up), for stores that append lines rather than rewrite the history.
 */
export function linesAfter(chat: readonly ChatLine[], seq: number): readonly ChatLine[] {
  const first = chat.findLastIndex((line) => Number(line.id) <= seq) + 1;
  return chat.slice(first);
}

/**
 * Two copies of a room's recent chat as one: every line once (by id), in id
 * order, the last `history` kept. For a copy that may hold lines the other
 * lacks (a crash's journal, a node of the release before writing beside this one).
 */
export function mergeLines(a: readonly ChatLine[], b: readonly ChatLine[], history: number): readonly ChatLine[] {
  if (b.length === 0) return keepHistory(a, history);
  const byId = new Map<string, ChatLine>();
  for (const line of [...a, ...b]) byId.set(line.id, line);
  return keepHistory([...byId.values()].sort((x, y) => Number(x.id) - Number(y.id)), history);
}
