import { LOCAL_SONG_MAX_BYTES, LOCAL_SONG_MAX_SECONDS, LOCAL_SONGS_PER_ROOM } from './limits.js';
import { AddLocalSongSchema, CopiesReportSchema, localSongId, localSourceOf } from './local-songs.js';
import { SettingsSchema, SongSchema } from './playback.js';

const FINGERPRINT = 'ab'.repeat(32);
const valid = { fingerprint: FINGERPRINT, size: 1234, duration: 3.5, title: ' Click ', artist: null, album: 'Tests' };

describe('AddLocalSongSchema', () => {
  it('accepts a well-formed song and trims its tags', () => {
    expect(AddLocalSongSchema.parse(valid)).toEqual({ ...valid, title: 'Click' });
  });

  it.each([
    ['a short fingerprint', { fingerprint: 'ab'.repeat(31) }],
    ['a long fingerprint', { fingerprint: 'ab'.repeat(33) }],
    ['an uppercase fingerprint', { fingerprint: 'AB'.repeat(32) }],
    ['a fingerprint that is not hex', { fingerprint: 'zz'.repeat(32) }],
    ['a negative size', { size: -1 }],
    ['a zero size', { size: 0 }],
    ['a fractional size', { size: 1.5 }],
    ['an absurd size', { size: LOCAL_SONG_MAX_BYTES + 1 }],
    ['a negative duration', { duration: -3 }],
    ['an infinite duration', { duration: Infinity }],
    ['an absurd duration', { duration: LOCAL_SONG_MAX_SECONDS + 1 }],
    ['an empty title', { title: '   ' }],
    ['a title with a control character', { title: 'a\u0007b' }],
    ['an overlong artist', { artist: 'x'.repeat(201) }],
    ['an extra field', { url: '/api/media/x' }],
  ])('refuses %s', (_, change) => {
    expect(AddLocalSongSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});

describe('CopiesReportSchema', () => {
  it('accepts fingerprints and an empty report', () => {
    expect(CopiesReportSchema.safeParse({ fingerprints: [FINGERPRINT] }).success).toBe(true);
    expect(CopiesReportSchema.safeParse({ fingerprints: [] }).success).toBe(true);
  });

  it('refuses malformed fingerprints and floods', () => {
    expect(CopiesReportSchema.safeParse({ fingerprints: ['not-a-hash'] }).success).toBe(false);
    const flood = Array.from({ length: LOCAL_SONGS_PER_ROOM + 1 }, () => FINGERPRINT);
    expect(CopiesReportSchema.safeParse({ fingerprints: flood }).success).toBe(false);
  });
});

describe('own-copy songs', () => {
  it('are named apart from uploads and carry their source', () => {
    const song = SongSchema.parse({
      id: localSongId(FINGERPRINT),
      title: 'Click',
      artist: null,
      album: null,
      duration: 3,
      url: '',
      coverUrl: null,
      source: { kind: 'local', fingerprint: FINGERPRINT, size: 10 },
    });
    expect(song.id).not.toBe(FINGERPRINT);
    expect(localSourceOf(song)?.fingerprint).toBe(FINGERPRINT);
    expect(localSourceOf({ ...song, source: undefined })).toBeNull();
  });
});

describe('SettingsSchema and the own-copy settings', () => {
  it('takes either own-copy setting alone', () => {
    expect(SettingsSchema.parse({ addSongs: 'everyone' })).toEqual({ addSongs: 'everyone' });
    expect(SettingsSchema.parse({ waitForCopies: true })).toEqual({ waitForCopies: true });
  });

  it('refuses an empty change and unknown values', () => {
    expect(SettingsSchema.safeParse({}).success).toBe(false);
    expect(SettingsSchema.safeParse({ addSongs: 'anyone' }).success).toBe(false);
    expect(SettingsSchema.safeParse({ waitForCopies: 'yes' }).success).toBe(false);
  });
});
