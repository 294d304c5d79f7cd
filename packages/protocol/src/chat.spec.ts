import { ChatSendSchema, noticeText } from './chat.js';
import { CHAT_MESSAGE_MAX_LENGTH } from './limits.js';

describe('ChatSendSchema', () => {
  it('trims the text', () => {
    expect(ChatSendSchema.parse({ text: '  hi there \t' }).text).toBe('hi there');
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \t  '],
    ['over the limit', 'x'.repeat(CHAT_MESSAGE_MAX_LENGTH + 1)],
    ['not a string', 42],
    ['a control character', 'ring\u0007'],
    ['a line break inside', 'two\nlines'],
    ['a C1 control', 'a\u0085b'],
  ])('refuses text that is %s', (_, text) => {
    expect(ChatSendSchema.safeParse({ text }).success).toBe(false);
  });

  it('accepts text exactly at the limit, counted after trimming', () => {
    expect(ChatSendSchema.safeParse({ text: ` ${'x'.repeat(CHAT_MESSAGE_MAX_LENGTH)} ` }).success).toBe(true);
  });

  it.each([
    ['markup', '<script>alert(1)</script><img src=x onerror=alert(1)>'],
    ['a right-to-left override', 'file\u202egnp.exe'],
    ['bidi isolates and marks', '\u2067abc\u2069 \u200f'],
    ['zero-width characters', 'a\u200bb\u200dc'],
    ['emoji sequences', '👩‍👩‍👧 ❤️'],
  ])('keeps %s as plain text', (_, text) => {
    expect(ChatSendSchema.parse({ text }).text).toBe(text);
  });

  it('refuses unknown fields', () => {
    expect(ChatSendSchema.safeParse({ text: 'hi', admin: true }).success).toBe(false);
  });
});

describe('noticeText', () => {
  it('words every notice', () => {
    expect(noticeText({ type: 'joined', name: 'Ada' })).toBe('Ada joined');
    expect(noticeText({ type: 'admin', name: 'Bob' })).toBe('Bob is now the admin');
    expect(noticeText({ type: 'skipped', title: 'One', votes: 1 })).toBe('"One" was skipped by 1 vote');
    expect(noticeText({ type: 'skipped', title: 'One', votes: 3 })).toBe('"One" was skipped by 3 votes');
    expect(noticeText({ type: 'request-approved', title: 'One', note: null })).toBe('The request for "One" was approved');
    expect(noticeText({ type: 'request-rejected', title: 'One', reason: 'later' })).toBe(
      'The request for "One" was rejected: later',
    );
  });
});
