import { TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom } from '../testing/joined-room';
import { bytesOf, fingerprintOf, ownCopySong } from '../testing/own-copy-song';
import { settle } from '../testing/rendered';
import { LocalFileReader } from './local-file';
import { OwnCopies, titleOf } from './own-copies';

const fileOf = (text: string, name = 'song.mp3'): File => new File([bytesOf(text)], name);

describe('OwnCopies', () => {
  let socket: FakeSocket;
  let copies: OwnCopies;

  async function join(setup: Parameters<typeof joinRoom>[1] = {}): Promise<void> {
    socket = new FakeSocket();
    socket.answer('copies:report', (_, ack) => ack({ ok: true, copies: {} }));
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    // jsdom cannot read audio metadata: the length comes from a stand-in.
    jest.spyOn(TestBed.inject(LocalFileReader), 'duration').mockResolvedValue(3.25);
    copies = TestBed.inject(OwnCopies);
    await joinRoom(socket, setup);
    TestBed.tick();
  }

  afterEach(() => TestBed.resetTestingModule());

  it('takes a file whose fingerprint matches the song, and tells the server it holds it', async () => {
    const song = ownCopySong(bytesOf('the very same bytes'));
    await join({ playlist: [song] });
    expect(socket.sentPayloads('copies:report')).toEqual([{ fingerprints: [] }]);

    const outcome = await copies.attach(song, fileOf('the very same bytes'));
    expect(outcome).toEqual({ ok: true, message: 'Your copy of “Click” is ready.' });
    expect(copies.holds(song)).toBe(true);
    TestBed.tick();
    expect(socket.sentPayloads('copies:report').at(-1)).toEqual({ fingerprints: [fingerprintOf(bytesOf('the very same bytes'))] });
  });

  it('refuses a different file of the same size, and one of another size, saying why', async () => {
    const song = ownCopySong(bytesOf('the very same bytes'));
    await join({ playlist: [song] });
    for (const file of [fileOf('the other same size'), fileOf('shorter')]) {
      const outcome = await copies.attach(song, file);
      expect(outcome.ok).toBe(false);
      expect(outcome.message).toContain('different file or another version of “Click”');
    }
    expect(copies.holds(song)).toBe(false);
    TestBed.tick();
    expect(socket.sentPayloads('copies:report')).toEqual([{ fingerprints: [] }]);
  });

  it('adds a song from the device: only its fingerprint, size, length and name leave it', async () => {
    await join({ me: ADA, admin: ADA });
    socket.answer('playlist:add-local', (request, ack) =>
      ack({ ok: true, song: { ...ownCopySong(bytesOf('my own file'), titleOf('Night Drive.flac')), duration: request.duration } }),
    );
    const outcome = await copies.add(fileOf('my own file', 'Night Drive.flac'));
    expect(outcome.ok).toBe(true);
    expect(socket.sentPayloads('playlist:add-local')).toEqual([
      { fingerprint: fingerprintOf(bytesOf('my own file')), size: 11, duration: 3.25, title: 'Night Drive', artist: null, album: null },
    ]);
    expect(copies.holds(ownCopySong(bytesOf('my own file')))).toBe(true);
  });

  it('keeps nothing when the server refuses the song', async () => {
    await join({ me: ADA, admin: ADA });
    socket.answer('playlist:add-local', (_, ack) =>
      ack({ ok: false, error: { code: 'TOO_MANY_SONGS', message: 'The playlist is full.' } }),
    );
    expect(await copies.add(fileOf('x'))).toEqual({ ok: false, message: 'The playlist is full.' });
    expect(copies.held()).toEqual([]);
  });

  it('lets the admin add, and everyone once the room allows it', async () => {
    await join({ me: ADA, admin: GRACE });
    expect(copies.canAdd()).toBe(false);
    socket.broadcast('settings:updated', { control: 'everyone', skipThreshold: 'majority', addSongs: 'everyone', waitForCopies: false, hasPasscode: false });
    expect(copies.canAdd()).toBe(true);
  });

  it('reports what it holds again to its new membership after a reconnect', async () => {
    const song = ownCopySong(bytesOf('abc'));
    await join({ playlist: [song] });
    await copies.attach(song, fileOf('abc'));
    TestBed.tick();
    const reports = socket.sentPayloads('copies:report').length;
    // The server makes a new member of every join, and forgot the old one's copies.
    socket.answer('room:join', (_, ack) =>
      ack(quietJoin('m-ada-again', { roomId: 'lobby', members: [{ ...ADA, id: 'm-ada-again' }], adminId: null })),
    );
    socket.connectionLost();
    socket.serverAccepts();
    await settle();
    TestBed.tick();
    expect(socket.sentPayloads('copies:report').slice(reports)).toEqual([{ fingerprints: [fingerprintOf(bytesOf('abc'))] }]);
  });
});
