import { CHUNK_SIZE, type Song } from '@musync/protocol';

import { nextEvent, PresenceWatch, request } from './harness.js';
import { useCluster } from './cluster.harness.js';
import { sendChunks, sha256, wav } from './upload-fixtures.js';

describe('scaled mode: uploads on a shared DATA_DIR', () => {
  const cluster = useCluster('all');

  it('an upload cut by a node crash resumes through another node and appends its song once, for everyone', async () => {
    const [a, b, c] = [await cluster().startNode(), await cluster().startNode(), await cluster().startNode()];
    const ada = await cluster().enter(a!, 'Ada', 'lobby', 'ada-browser-token-01');
    const bytes = wav(20, { title: 'Survivor' });
    const hash = sha256(bytes);
    const started = await request(ada.client, 'upload:start', { name: 'survivor.wav', size: bytes.length, sha256: hash });
    if (!started.ok) throw new Error(started.error.message);
    const uploadId = started['uploadId'] as string;
    expect((await sendChunks(ada.client, uploadId, bytes.subarray(0, 4 * CHUNK_SIZE))).ok).toBe(true);
    await a!.kill();

    // Ada's browser comes back through node B; once node A's members are swept she holds the chair again.
    const back = await cluster().enter(b!, 'Ada', 'lobby', 'ada-browser-token-01');
    await new PresenceWatch(back.client, back.joined).until((p) => p.adminId === back.joined.memberId, 12_000);
    const bob = await cluster().enter(c!, 'Bob');

    const resumed = await request(back.client, 'upload:start', { name: 'survivor.wav', size: bytes.length, sha256: hash });
    expect(resumed).toMatchObject({ ok: true, uploadId, offset: 4 * CHUNK_SIZE });
    expect((await sendChunks(back.client, uploadId, bytes, { from: 4 * CHUNK_SIZE })).ok).toBe(true);
    const listed = nextEvent(bob.client, 'playlist:updated');
    const done = await request(back.client, 'upload:finish', { uploadId });
    if (!done.ok) throw new Error(done.error.message);
    expect((done['song'] as Song).id).toBe(hash);
    expect((await listed).songs.map((s) => s.id)).toEqual([hash]);
    const late = await cluster().enter(c!, 'Late');
    expect(late.joined.playlist.map((s) => s.title)).toEqual(['Survivor']);
  }, 40_000);

  it("a song's file stays while any room on any node lists it, and goes with the last", async () => {
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const onA = await cluster().enter(a, 'Ada', 'first-room');
    const onB = await cluster().enter(b, 'Bob', 'second-room');
    const bytes = wav(2, { title: 'Shared' });
    for (const { client } of [onA, onB]) {
      const started = await request(client, 'upload:start', { name: 'shared.wav', size: bytes.length });
      if (!started.ok) throw new Error(started.error.message);
      const uploadId = started['uploadId'] as string;
      await sendChunks(client, uploadId, bytes);
      expect((await request(client, 'upload:finish', { uploadId })).ok).toBe(true);
    }
    const fileOn = async (node: typeof a) => (await fetch(`${node.url}/api/media/${sha256(bytes)}`)).status;

    expect((await request(onA.client, 'playlist:remove', { songId: sha256(bytes) })).ok).toBe(true);
    expect([await fileOn(a), await fileOn(b)]).toEqual([200, 200]);
    expect((await request(onB.client, 'playlist:remove', { songId: sha256(bytes) })).ok).toBe(true);
    expect([await fileOn(a), await fileOn(b)]).toEqual([404, 404]);
  }, 30_000);
});
