import * as z from 'zod';

/**
 * A chat line as the server reads it back from its own files (room files and
 * the chat journal): the shape the reducer writes, checked so a damaged file
 * is refused rather than broadcast.
 */
const Text = z.string();
const NoticeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), name: Text }),
  z.object({ type: z.literal('left'), name: Text }),
  z.object({ type: z.literal('admin'), name: Text }),
  z.object({ type: z.literal('song-added'), title: Text }),
  z.object({ type: z.literal('song-removed'), title: Text }),
  z.object({ type: z.literal('skipped'), title: Text, votes: z.number().int() }),
  z.object({ type: z.literal('request-approved'), title: Text, note: Text.nullable() }),
  z.object({ type: z.literal('request-rejected'), title: Text, reason: Text.nullable() }),
  z.object({ type: z.literal('request-fulfilled'), title: Text }),
]);
const LineBase = { id: Text, at: z.number() };
export const ChatLineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), ...LineBase, personId: Text, name: Text, admin: z.boolean(), text: Text }),
  z.object({ kind: z.literal('notice'), ...LineBase, notice: NoticeSchema }),
]);
