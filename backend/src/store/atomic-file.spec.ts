import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readIfExists, writeFileAtomic } from './atomic-file.js';

describe('writeFileAtomic', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'musync-atomic-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and then replaces a file, leaving no temp files behind', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, 'two');
    expect(await readFile(path, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('leaves the old file intact and cleans up when the write fails', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'old');
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'x.json'), 'new')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('reads null for a file that does not exist', async () => {
    expect(await readIfExists(join(dir, 'nope.json'))).toBeNull();
  });
});
