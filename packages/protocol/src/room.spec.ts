import { USERNAME_MAX_LENGTH } from './limits.js';
import { JoinRequestSchema } from './room.js';

describe('JoinRequestSchema', () => {
  it('trims the username', () => {
    expect(JoinRequestSchema.parse({ roomId: 'lobby', username: '  Ada ' }).username).toBe('Ada');
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '   \t '],
    ['over the limit', 'x'.repeat(USERNAME_MAX_LENGTH + 1)],
    ['not a string', 42],
    ['a control character', 'Ad\u0007a'],
    ['a right-to-left override', 'Ada\u202egnp.exe'],
    ['a zero-width space', 'A\u200bda'],
  ])('refuses a username that is %s', (_, username) => {
    expect(JoinRequestSchema.safeParse({ roomId: 'lobby', username }).success).toBe(false);
  });

  it('accepts a username exactly at the limit', () => {
    expect(JoinRequestSchema.safeParse({ roomId: 'lobby', username: 'é'.repeat(USERNAME_MAX_LENGTH) }).success).toBe(
      true,
    );
  });

  it.each([['../etc'], [''], ['a b'], ['x'.repeat(41)], [null], ['room/1']])('refuses the room id %p', (roomId) => {
    expect(JoinRequestSchema.safeParse({ roomId, username: 'Ada' }).success).toBe(false);
  });

  it('refuses unknown fields', () => {
    expect(JoinRequestSchema.safeParse({ roomId: 'lobby', username: 'Ada', admin: true }).success).toBe(false);
  });
});
