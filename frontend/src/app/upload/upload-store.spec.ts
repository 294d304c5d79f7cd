import { TestBed } from '@angular/core/testing';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { FakeUploadServer } from '../testing/fake-upload-server';
import { ADA, GRACE, joinRoom } from '../testing/joined-room';
import { type UploadJob, UploadStore } from './upload-store';

/** A file of `size` bytes with a recognisable pattern, so a resent or skipped byte shows. */
function audioFile(name: string, size: number): File {
  return new File([bytesOf(size)], name, { type: 'audio/mpeg' });
}

function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) % 251);
}

/** Lets every pending promise callback run (acks, file reads). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('UploadStore', () => {
  let socket: FakeSocket;
  let server: FakeUploadServer;
  let store: UploadStore;

  const job = (name: string): UploadJob => {
    const found = store.jobs().find((j) => j.name === name);
    if (!found) throw new Error(`no job for ${name}`);
    return found;
  };
  const statuses = (): Record<string, string> => Object.fromEntries(store.jobs().map((j) => [j.name, j.status]));

  async function joinAs(setup: Parameters<typeof joinRoom>[1] = {}): Promise<void> {
    await joinRoom(socket, setup);
    store = TestBed.inject(UploadStore);
  }

  beforeEach(() => {
    socket = new FakeSocket();
    server = new FakeUploadServer(socket);
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  afterEach(() => jest.useRealTimers());

  it('sends every byte of a file, in order, and marks it done with the song it became', async () => {
    await joinAs();
    store.add([audioFile('one.mp3', 10)]);
    await settle();
    // The song it became, named by the fake server after the file.
    expect(job('one.mp3')).toMatchObject({ status: 'done', sentBytes: 10, size: 10, error: null, songId: 'one.mp3' });
    expect(server.finished.get('one.mp3')).toEqual(bytesOf(10));
    expect(socket.sentPayloads('upload:start')).toEqual([{ name: 'one.mp3', size: 10, type: 'audio/mpeg' }]);
  });

  it('shows each acknowledged chunk as progress, with the speed and the time left', async () => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    await joinAs();
    server.holdChunks = true;
    store.add([audioFile('slow.mp3', 20)]);
    await jest.advanceTimersByTimeAsync(0);
    expect(job('slow.mp3')).toMatchObject({ status: 'uploading', sentBytes: 0, bytesPerSecond: null, secondsLeft: null });

    await jest.advanceTimersByTimeAsync(500);
    server.releaseChunks(1);
    await jest.advanceTimersByTimeAsync(500);
    server.releaseChunks(1);
    await jest.advanceTimersByTimeAsync(0);

    // 8 of 20 bytes in the first second: 8 B/s, 12 bytes to go.
    expect(job('slow.mp3')).toMatchObject({ status: 'uploading', sentBytes: 8, bytesPerSecond: 8, secondsLeft: 1.5 });
    expect(store.overall()).toEqual({ sentBytes: 8, size: 20, bytesPerSecond: 8, secondsLeft: 1.5 });

    server.releaseChunks();
    await jest.advanceTimersByTimeAsync(0);
    expect(job('slow.mp3')).toMatchObject({ status: 'done', sentBytes: 20, bytesPerSecond: null });
  });

  it('sends two files at a time and starts the next as one finishes', async () => {
    await joinAs();
    server.holdChunks = true;
    store.add([audioFile('a.mp3', 8), audioFile('b.mp3', 8), audioFile('c.mp3', 8)]);
    await settle();
    expect(statuses()).toEqual({ 'a.mp3': 'uploading', 'b.mp3': 'uploading', 'c.mp3': 'queued' });
    expect(socket.sentPayloads('upload:start').map((s) => s.name)).toEqual(['a.mp3', 'b.mp3']);

    server.releaseChunks(2, 'a.mp3');
    await settle();
    expect(statuses()).toEqual({ 'a.mp3': 'done', 'b.mp3': 'uploading', 'c.mp3': 'uploading' });

    server.holdChunks = false;
    server.releaseChunks();
    await settle();
    expect(statuses()).toEqual({ 'a.mp3': 'done', 'b.mp3': 'done', 'c.mp3': 'done' });
  });

  it('fails a file the server refuses with the server message naming it, and carries on with the others', async () => {
    await joinAs();
    const refusal = '"notes.txt" is not an audio file this server can play.';
    server.refuseAtFinish('notes.txt', { code: 'UNSUPPORTED_FORMAT', message: refusal });
    store.add([audioFile('notes.txt', 6), audioFile('song.mp3', 6)]);
    await settle();
    expect(job('notes.txt')).toMatchObject({ status: 'failed', error: refusal });
    expect(job('song.mp3')).toMatchObject({ status: 'done', error: null });
  });

  it('names the file in a failure whose message does not', async () => {
    await joinAs();
    socket.answer('upload:start', (_, ack) => ack({ ok: false, error: { code: 'DISK_FULL', message: 'The server is out of disk space.' } }));
    store.add([audioFile('big.flac', 6)]);
    await settle();
    expect(job('big.flac')).toMatchObject({ status: 'failed', error: '"big.flac": The server is out of disk space.' });
  });

  it('fails an empty file at once, naming it, without asking the server', async () => {
    await joinAs();
    store.add([new File([], 'empty.mp3')]);
    await settle();
    expect(job('empty.mp3')).toMatchObject({ status: 'failed', error: '"empty.mp3" is empty (0 bytes): there is nothing to upload.' });
    expect(socket.sentPayloads('upload:start')).toEqual([]);
  });

  it('cancels an upload in progress: the server is told, nothing is finished, the next file starts', async () => {
    await joinAs();
    server.holdChunks = true;
    store.add([audioFile('a.mp3', 12), audioFile('b.mp3', 12), audioFile('c.mp3', 12)]);
    await settle();
    const { uploadId } = socket.sentPayloads('upload:chunk').find((chunk) => chunk.offset === 0)!;

    store.cancel(job('a.mp3').id);
    expect(job('a.mp3').status).toBe('cancelled');
    // The sender stops once the chunks in flight are answered.
    server.releaseChunks(Number.POSITIVE_INFINITY, 'a.mp3');
    await settle();

    expect(socket.sentPayloads('upload:cancel')).toEqual([{ uploadId }]);
    expect(server.cancelled).toEqual([uploadId]);
    expect(socket.sentPayloads('upload:finish')).toEqual([]);
    expect(statuses()).toEqual({ 'a.mp3': 'cancelled', 'b.mp3': 'uploading', 'c.mp3': 'uploading' });
  });

  it('cancels a queued file before it reaches the server', async () => {
    await joinAs();
    store.add([audioFile('a.mp3', 4), audioFile('b.mp3', 4), audioFile('c.mp3', 4)]);
    store.cancel(job('c.mp3').id);
    await settle();
    expect(statuses()).toEqual({ 'a.mp3': 'done', 'b.mp3': 'done', 'c.mp3': 'cancelled' });
    expect(socket.sentPayloads('upload:start').map((s) => s.name)).toEqual(['a.mp3', 'b.mp3']);
  });

  it('after a dropped connection, waits until back in the room, then resumes where the server stopped', async () => {
    await joinAs();
    server.holdChunks = true;
    store.add([audioFile('long.mp3', 20)]);
    await settle();
    server.releaseChunks(2);
    await settle();
    expect(job('long.mp3').sentBytes).toBe(8);

    socket.connectionLost();
    // The server wrote one more chunk, but its ack was lost with the connection.
    server.releaseChunks(1);
    await settle();
    expect(job('long.mp3')).toMatchObject({ status: 'waiting', sentBytes: 8 });

    // Connected again, but the room's rejoin is not answered yet: nothing may go out.
    let answerJoin: (() => void) | undefined;
    const rejoin = socket.sentPayloads('room:join').length;
    socket.answer('room:join', (_, ack) => {
      answerJoin = () => ack(quietJoin(ADA.id, { roomId: 'lobby', members: [ADA], adminId: ADA.id }));
    });
    const startsBefore = socket.sentPayloads('upload:start').length;
    server.holdChunks = false;
    socket.serverAccepts();
    await settle();
    expect(socket.sentPayloads('room:join')).toHaveLength(rejoin + 1);
    expect(socket.sentPayloads('upload:start')).toHaveLength(startsBefore);
    expect(job('long.mp3').status).toBe('waiting');

    answerJoin?.();
    await settle();
    expect(socket.sentPayloads('upload:start')).toHaveLength(startsBefore + 1);
    const resumed = socket.sentPayloads('upload:chunk').slice(-2);
    expect(resumed.map((c) => c.offset)).toEqual([12, 16]);
    expect(job('long.mp3')).toMatchObject({ status: 'done', sentBytes: 20 });
    expect(server.finished.get('long.mp3')).toEqual(bytesOf(20));
  });

  it('can cancel an upload while it waits for the connection', async () => {
    await joinAs();
    server.holdChunks = true;
    store.add([audioFile('a.mp3', 8)]);
    await settle();
    socket.connectionLost();
    await settle();
    expect(job('a.mp3').status).toBe('waiting');

    store.cancel(job('a.mp3').id);
    socket.serverAccepts();
    await settle();
    expect(job('a.mp3').status).toBe('cancelled');
    expect(socket.sentPayloads('upload:start')).toHaveLength(1);
  });

  it('totals the current batch, leaving out cancelled files and earlier batches', async () => {
    await joinAs();
    store.add([audioFile('a.mp3', 8)]);
    await settle();
    expect(store.overall()).toMatchObject({ sentBytes: 8, size: 8 });

    server.holdChunks = true;
    store.add([audioFile('b.mp3', 12), audioFile('c.mp3', 40)]);
    await settle();
    server.releaseChunks(1, 'b.mp3');
    await settle();
    expect(store.overall()).toMatchObject({ sentBytes: 4, size: 52 });

    store.cancel(job('c.mp3').id);
    expect(store.overall()).toMatchObject({ sentBytes: 4, size: 12 });
  });

  it('takes finished jobs off the list, one or all, and leaves the rest', async () => {
    await joinAs();
    server.refuseAtFinish('bad.mp3', { code: 'UNSUPPORTED_FORMAT', message: '"bad.mp3" is not audio.' });
    store.add([audioFile('good.mp3', 4), audioFile('bad.mp3', 4)]);
    await settle();
    server.holdChunks = true;
    store.add([audioFile('busy.mp3', 8)]);
    await settle();

    store.dismiss(job('bad.mp3').id);
    store.dismiss(job('busy.mp3').id);
    expect(store.jobs().map((j) => j.name)).toEqual(['good.mp3', 'busy.mp3']);
    store.clearFinished();
    expect(store.jobs().map((j) => j.name)).toEqual(['busy.mp3']);
  });

  it('does nothing for a listener: only the admin uploads', async () => {
    await joinAs({ me: ADA, admin: GRACE });
    expect(store.canUpload()).toBe(false);
    store.add([audioFile('a.mp3', 4)]);
    await settle();
    expect(store.jobs()).toEqual([]);
    expect(socket.sentPayloads('upload:start')).toEqual([]);
  });
});
