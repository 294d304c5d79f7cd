import { AdminClaimSchema, PasscodeSchema } from './access.js';
import { ADMIN_PASSWORD_MAX_LENGTH, PASSCODE_MAX_LENGTH } from './limits.js';
import { SettingsSchema } from './playback.js';
import { JoinRequestSchema } from './room.js';

describe('passcode and admin claim schemas', () => {
  it('keeps a passcode exactly as typed, within its length, without control characters', () => {
    expect(PasscodeSchema.parse(' open sesame ')).toBe(' open sesame ');
    expect(PasscodeSchema.safeParse('').success).toBe(false);
    expect(PasscodeSchema.safeParse('x'.repeat(PASSCODE_MAX_LENGTH + 1)).success).toBe(false);
    expect(PasscodeSchema.safeParse('a\u0000b').success).toBe(false);
  });

  it('takes a passcode in the join and in the settings (null takes it away)', () => {
    expect(JoinRequestSchema.parse({ roomId: 'r', username: 'Ada', passcode: 'pw' })).toMatchObject({ passcode: 'pw' });
    expect(SettingsSchema.parse({ passcode: null })).toEqual({ passcode: null });
    expect(SettingsSchema.safeParse({ passcode: 5 }).success).toBe(false);
  });

  it('takes only a password in a claim, within its length', () => {
    expect(AdminClaimSchema.safeParse({ password: 'x'.repeat(ADMIN_PASSWORD_MAX_LENGTH) }).success).toBe(true);
    expect(AdminClaimSchema.safeParse({ password: 'x'.repeat(ADMIN_PASSWORD_MAX_LENGTH + 1) }).success).toBe(false);
    expect(AdminClaimSchema.safeParse({ password: 'x', admin: true }).success).toBe(false);
    expect(AdminClaimSchema.safeParse({}).success).toBe(false);
  });
});
