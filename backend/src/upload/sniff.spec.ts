import { sniffAudio } from './sniff.js';

function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) out.push(...(typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part));
  while (out.length < 16) out.push(0);
  return Uint8Array.from(out);
}

describe('sniffAudio', () => {
  it.each([
    ['an ID3-tagged MP3', bytes('ID3', [4, 0]), 'audio/mpeg'],
    ['a bare MP3 frame', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg'],
    ['an ADTS AAC stream', bytes([0xff, 0xf1, 0x50, 0x80]), 'audio/aac'],
    ['a WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVE'), 'audio/wav'],
    ['an Ogg', bytes('OggS'), 'audio/ogg'],
    ['a FLAC', bytes('fLaC'), 'audio/flac'],
    ['an M4A', bytes([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4'],
    ['a WebM', bytes([0x1a, 0x45, 0xdf, 0xa3]), 'audio/webm'],
  ])('knows %s by its bytes', (_what, head, mime) => {
    expect(sniffAudio(head)?.mime).toBe(mime);
  });

  it.each([
    ['text', bytes('hello, this is not audio')],
    ['a RIFF that is not WAVE', bytes('RIFF', [0, 0, 0, 0], 'AVI ')],
    ['a PNG', bytes([0x89], 'PNG')],
    ['nothing', new Uint8Array(0)],
  ])('refuses %s', (_what, head) => {
    expect(sniffAudio(head)).toBeNull();
  });
});
