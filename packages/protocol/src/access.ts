import * as z from 'zod';

import { ADMIN_PASSWORD_MAX_LENGTH, PASSCODE_MAX_LENGTH } from './limits.js';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A room passcode, compared exactly as typed (no trimming): 1–64 characters, no control characters. */
export const PasscodeSchema = z
  .string()
  .min(1, 'passcode is empty')
  .max(PASSCODE_MAX_LENGTH, `passcode is longer than ${PASSCODE_MAX_LENGTH} characters`)
  .refine((code) => !CONTROL_CHARACTERS.test(code), 'passcode holds control characters');

/** `admin:claim`: the server's ADMIN_PASSWORD, which makes the sender the room's admin. */
export const AdminClaimSchema = z.strictObject({
  password: z
    .string()
    .min(1, 'password is empty')
    .max(ADMIN_PASSWORD_MAX_LENGTH, `password is longer than ${ADMIN_PASSWORD_MAX_LENGTH} characters`),
});
export type AdminClaimRequest = z.infer<typeof AdminClaimSchema>;
