import { CHUNK_SIZE, type Ack } from '@musync/protocol';

import { request, type TestClient } from './harness.js';

export { id3Tag, sha256, TINY_PNG, wav, wavOf, type WavTags } from './wav-fixtures.js';

/** Sends `bytes[from..]` as chunks with up to `window` acks outstanding; resolves with the last ack. */
export async function sendChunks(
  client: TestClient,
  uploadId: string,
  bytes: Buffer,
  { from = 0, window = 8 } = {},
): Promise<Ack<Record<string, unknown>>> {
  let last: Ack<Record<string, unknown>> = { ok: true };
  const inFlight = new Set<Promise<void>>();
  for (let offset = from; offset < bytes.length; offset += CHUNK_SIZE) {
    const data = bytes.subarray(offset, offset + CHUNK_SIZE);
    const sent = request(client, 'upload:chunk', { uploadId, offset, data }).then((ack) => {
      if (!ack.ok || last.ok) last = ack;
    });
    const tracked: Promise<void> = sent.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= window) await Promise.race(inFlight);
    if (!last.ok) break;
  }
  await Promise.all(inFlight);
  return last;
}

/** start → chunks → finish; resolves with the finish ack. */
export async function upload(
  client: TestClient,
  bytes: Buffer,
  name = 'song.wav',
  extra: { sha256?: string; size?: number } = {},
): Promise<Ack<Record<string, unknown>>> {
  const started = await request(client, 'upload:start', { name, size: extra.size ?? bytes.length, type: 'audio/wav', ...(extra.sha256 ? { sha256: extra.sha256 } : {}) });
  if (!started.ok) return started;
  const uploadId = started['uploadId'] as string;
  const sent = await sendChunks(client, uploadId, bytes);
  if (!sent.ok) return sent;
  return request(client, 'upload:finish', { uploadId });
}
