import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A secret kept only as a salted SHA-256: a room passcode at rest, the admin password in memory. */
export interface SealedSecret {
  readonly salt: string;
  readonly digest: string;
}

export function digestOf(secret: string, salt: string): string {
  return createHash('sha256').update(salt).update('\0').update(secret).digest('hex');
}

/** Seals a secret under a fresh random salt (an effect: call it outside the reducer). */
export function seal(secret: string): SealedSecret {
  const salt = randomBytes(16).toString('hex');
  return { salt, digest: digestOf(secret, salt) };
}

/**
 * Whether `given` is the sealed secret. Both sides are fixed-length digests, so
 * timingSafeEqual compares them in constant time whatever was typed.
 */
export function opens(sealed: SealedSecret, given: string): boolean {
  return sameDigest(digestOf(given, sealed.salt), sealed.digest);
}

export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
