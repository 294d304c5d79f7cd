import { Sha256 } from '@musync/protocol';

import { HASH_PIECE_BYTES, hashFile } from './hash-file';

describe('hashFile', () => {
  it('is the SHA-256 of the file', async () => {
    const file = new File([new TextEncoder().encode('abc')], 'abc.txt');
    expect(await hashFile(file)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads a large file piece by piece, reporting progress, to the same digest as in one piece', async () => {
    const bytes = new Uint8Array(HASH_PIECE_BYTES * 2 + 1234).map((_, i) => (i * 31) & 0xff);
    const progress: number[] = [];
    const digest = await hashFile(new File([bytes], 'big.wav'), (done, total) => progress.push(done / total));
    expect(digest).toBe(new Sha256().update(bytes).hex());
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toBe(1);
  });
});
