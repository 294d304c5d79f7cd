import { REQUEST_TITLE_MAX_LENGTH, SKIP_THRESHOLD_MAX } from './limits.js';
import { SettingsSchema } from './playback.js';
import { RequestCreateSchema, sortRequests, type SongRequest } from './requests.js';

function request(id: string, change: Partial<SongRequest>): SongRequest {
  return {
    id,
    title: id,
    artist: null,
    note: null,
    requesterId: 'p',
    requester: 'P',
    at: 0,
    status: 'pending',
    voterIds: [],
    answer: null,
    decidedAt: null,
    songId: null,
    ...change,
  };
}

describe('sortRequests', () => {
  it('puts pending requests first, most votes first, then oldest first; then the decided ones, newest first', () => {
    const requests = [
      request('old-decided', { status: 'rejected', at: 1, decidedAt: 10 }),
      request('pending-1-vote-late', { at: 5, voterIds: ['a'] }),
      request('pending-0-votes', { at: 1 }),
      request('new-decided', { status: 'fulfilled', at: 2, decidedAt: 20 }),
      request('pending-2-votes', { at: 9, voterIds: ['a', 'b'] }),
      request('pending-1-vote-early', { at: 3, voterIds: ['c'] }),
    ];
    expect(sortRequests(requests).map((r) => r.id)).toEqual([
      'pending-2-votes',
      'pending-1-vote-early',
      'pending-1-vote-late',
      'pending-0-votes',
      'new-decided',
      'old-decided',
    ]);
  });

  it('leaves its input alone', () => {
    const requests = [request('a', { at: 2 }), request('b', { at: 1 })];
    sortRequests(requests);
    expect(requests.map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('RequestCreateSchema', () => {
  it('trims the title, with optional artist and note', () => {
    expect(RequestCreateSchema.parse({ title: ' Blue Monday ' })).toEqual({ title: 'Blue Monday' });
  });

  it.each([
    ['no title', {}],
    ['an empty title', { title: '  ' }],
    ['a title over the limit', { title: 'x'.repeat(REQUEST_TITLE_MAX_LENGTH + 1) }],
    ['an empty artist', { title: 'a', artist: '' }],
    ['a control character in the note', { title: 'a', note: 'x\u0000' }],
    ['an unknown field', { title: 'a', status: 'approved' }],
  ])('refuses %s', (_, payload) => {
    expect(RequestCreateSchema.safeParse(payload).success).toBe(false);
  });
});

describe('SettingsSchema', () => {
  it.each([[{ control: 'admin' }], [{ skipThreshold: 'off' }], [{ skipThreshold: 'majority', control: 'everyone' }], [{ skipThreshold: 3 }]])(
    'accepts the partial change %p',
    (payload) => {
      expect(SettingsSchema.safeParse(payload).success).toBe(true);
    },
  );

  it.each([[{}], [{ skipThreshold: 0 }], [{ skipThreshold: SKIP_THRESHOLD_MAX + 1 }], [{ skipThreshold: 1.5 }], [{ skipThreshold: 'half' }]])(
    'refuses %p',
    (payload) => {
      expect(SettingsSchema.safeParse(payload).success).toBe(false);
    },
  );
});
