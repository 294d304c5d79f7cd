import { createHash, randomBytes } from 'node:crypto';

import { Sha256 } from './sha256.js';

const reference = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('Sha256', () => {
  it('hashes the FIPS 180-4 examples', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect(new Sha256().update(text('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(new Sha256().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256().update(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).hex()).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it.each([1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65_536 + 17])(
    'matches node:crypto for %i bytes fed in uneven pieces',
    (length) => {
      const data = randomBytes(length);
      const hash = new Sha256();
      // Pieces of 1, 2, 3, … bytes cross every block boundary differently.
      for (let offset = 0, size = 1; offset < length; offset += size, size++) {
        hash.update(data.subarray(offset, offset + size));
      }
      expect(hash.hex()).toBe(reference(data));
    },
  );

  it('matches node:crypto for a megabyte fed in one piece', () => {
    const data = randomBytes(1024 * 1024 + 3);
    expect(new Sha256().update(data).hex()).toBe(reference(data));
  });

  it('takes no input after its digest', () => {
    const hash = new Sha256();
    hash.hex();
    expect(() => hash.update(new Uint8Array(1))).toThrow();
  });
});
