import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { FakeUploadServer } from '../testing/fake-upload-server';
import { ADA, GRACE, joinRoom, song, songRequest, type RoomSetup } from '../testing/joined-room';
import { UploadPanel } from './upload-panel';

const audioFile = (name: string, size: number): File => new File([new Uint8Array(size).fill(7)], name, { type: 'audio/mpeg' });

/** Lets every pending promise callback run (acks, file reads). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** jsdom has no DragEvent: an event of that name carrying what the handlers read. */
function dragEvent(type: string, files: File[] = []): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], files, dropEffect: 'none' } });
  return event;
}

describe('UploadPanel', () => {
  let socket: FakeSocket;
  let server: FakeUploadServer;
  let fixture: ComponentFixture<UploadPanel>;
  let root: HTMLElement;

  async function render(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, setup);
    fixture = TestBed.createComponent(UploadPanel);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function refresh(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = root): T | null =>
    within.querySelector<T>(`[data-testid="${testId}"]`);
  const items = (): HTMLElement[] => [...root.querySelectorAll<HTMLElement>('[data-testid="upload-item"]')];
  const item = (name: string): HTMLElement => {
    const found = items().find((i) => i.dataset['name'] === name);
    if (!found) throw new Error(`no item for ${name}`);
    return found;
  };

  async function pick(...files: File[]): Promise<void> {
    const input = byTestId<HTMLInputElement>('upload-input')!;
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    input.dispatchEvent(new Event('change'));
    await refresh();
  }

  beforeEach(() => {
    socket = new FakeSocket();
    server = new FakeUploadServer(socket);
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  it('is not there for a listener', async () => {
    await render({ me: ADA, admin: GRACE });
    expect(byTestId('upload-panel')).toBeNull();
    expect(byTestId('upload-input')).toBeNull();
  });

  it('offers the admin a labelled picker for several audio files', async () => {
    await render();
    const input = byTestId<HTMLInputElement>('upload-input')!;
    expect(byTestId('upload-panel')).not.toBeNull();
    expect(input.type).toBe('file');
    expect(input.multiple).toBe(true);
    expect(input.accept).toContain('audio/*');
    expect(input.closest('label')?.textContent).toContain('Choose files');
  });

  it('lists each picked file with its own progress, and the overall bar', async () => {
    await render();
    server.holdChunks = true;
    await pick(audioFile('first.mp3', 8), audioFile('second.mp3', 16));
    server.releaseChunks(1, 'first.mp3');
    await refresh();

    expect(items().map((i) => [i.dataset['name'], i.dataset['status']])).toEqual([
      ['first.mp3', 'uploading'],
      ['second.mp3', 'uploading'],
    ]);
    const progress = byTestId('upload-progress', item('first.mp3'))!;
    expect(progress.getAttribute('role')).toBe('progressbar');
    expect(progress.getAttribute('aria-valuenow')).toBe('50');
    expect(progress.getAttribute('aria-label')).toBe('Upload of first.mp3');
    expect(byTestId('upload-percent', item('first.mp3'))?.textContent).toBe('50%');
    expect(byTestId('upload-rate', item('first.mp3'))?.textContent).toContain('MB/s');
    expect(byTestId('upload-time-left', item('first.mp3'))).not.toBeNull();
    // 4 of 24 bytes.
    expect(byTestId('upload-overall')?.getAttribute('aria-valuenow')).toBe('16');

    server.holdChunks = false;
    server.releaseChunks();
    await refresh();
    expect(items().map((i) => i.dataset['status'])).toEqual(['done', 'done']);
    expect(byTestId('upload-progress', item('second.mp3'))?.getAttribute('aria-valuenow')).toBe('100');
    expect(byTestId('upload-status', item('second.mp3'))?.textContent).toBe('Added to the playlist');
    expect(byTestId('upload-overall')?.getAttribute('aria-valuenow')).toBe('100');
    expect(byTestId('upload-cancel')).toBeNull();
  });

  it('uploads files dropped on the zone, which shows while files hover over it', async () => {
    await render();
    const zone = byTestId('upload-dropzone')!;
    const over = dragEvent('dragover');
    zone.dispatchEvent(over);
    await fixture.whenStable();
    expect(over.defaultPrevented).toBe(true);
    expect(zone.dataset['dragging']).toBe('true');

    zone.dispatchEvent(dragEvent('drop', [audioFile('dropped.ogg', 4)]));
    await refresh();
    expect(zone.hasAttribute('data-dragging')).toBe(false);
    expect(item('dropped.ogg').dataset['status']).toBe('done');
  });

  it('shows why a file was refused, in an alert on its row', async () => {
    await render();
    const message = '"notes.txt" is not an audio file this server can play.';
    server.refuseAtFinish('notes.txt', { code: 'UNSUPPORTED_FORMAT', message });
    await pick(audioFile('notes.txt', 4), audioFile('fine.mp3', 4));

    const error = byTestId('upload-error', item('notes.txt'));
    expect(item('notes.txt').dataset['status']).toBe('failed');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.textContent).toBe(message);
    expect(byTestId('upload-error', item('fine.mp3'))).toBeNull();
  });

  it('cancels an upload from its row', async () => {
    await render();
    server.holdChunks = true;
    await pick(audioFile('long.wav', 8));
    const cancel = byTestId<HTMLButtonElement>('upload-cancel', item('long.wav'))!;
    expect(cancel.getAttribute('aria-label')).toBe('Cancel the upload of long.wav');

    cancel.click();
    server.releaseChunks();
    await refresh();
    expect(item('long.wav').dataset['status']).toBe('cancelled');
    expect(socket.sentPayloads('upload:cancel')).toHaveLength(1);
    expect(byTestId('upload-cancel')).toBeNull();
  });

  it('clears finished uploads from the list', async () => {
    await render();
    await pick(audioFile('a.mp3', 4));
    byTestId('upload-clear')?.click();
    await fixture.whenStable();
    expect(items()).toEqual([]);
    expect(byTestId('upload-overall')).toBeNull();
  });

  describe('a finished upload fulfils a request', () => {
    const approved = songRequest('r1', { title: 'So What', status: 'approved' });

    it('offers the approved requests on the row, and marks the one picked fulfilled by the new song', async () => {
      await render({ requests: [approved, songRequest('r2', { title: 'Still waiting' })] });
      socket.answer('requests:fulfil', ({ requestId, songId }, ack) => {
        const request = { ...approved, status: 'fulfilled' as const, songId };
        socket.broadcast('playlist:updated', { songs: [{ ...song('x'), id: songId }] });
        socket.broadcast('requests:updated', { requests: [request] });
        ack({ ok: true, request: { ...request, id: requestId } });
      });
      await pick(audioFile('so-what.wav', 4));
      const row = item('so-what.wav');
      const select = byTestId<HTMLSelectElement>('upload-fulfil-select', row)!;
      expect([...select.options].map((o) => o.textContent)).toEqual(['Fulfils request…', 'So What']);
      expect(byTestId<HTMLButtonElement>('upload-fulfil', row)?.disabled).toBe(true);

      select.value = 'r1';
      select.dispatchEvent(new Event('change'));
      await fixture.whenStable();
      byTestId('upload-fulfil', row)?.click();
      await refresh();
      // The fake server names songs after the file.
      expect(socket.sentPayloads('requests:fulfil')).toEqual([{ requestId: 'r1', songId: 'so-what.wav' }]);
      expect(byTestId('upload-fulfilled', row)?.textContent).toBe('Fulfils the request for “So What”');
      expect(byTestId('upload-fulfil-select', row)).toBeNull(); // no approved request left
    });

    it("shows the server's refusal on the row", async () => {
      await render({ requests: [approved] });
      socket.answer('requests:fulfil', (_, ack) =>
        ack({ ok: false, error: { code: 'SONG_NOT_FOUND', message: 'That song is not in the playlist.' } }),
      );
      await pick(audioFile('late.wav', 4));
      const select = byTestId<HTMLSelectElement>('upload-fulfil-select', item('late.wav'))!;
      select.value = 'r1';
      select.dispatchEvent(new Event('change'));
      await fixture.whenStable();
      byTestId('upload-fulfil', item('late.wav'))?.click();
      await refresh();
      const error = byTestId('upload-fulfil-error', item('late.wav'));
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('That song is not in the playlist.');
    });

    it('offers nothing while no request is approved', async () => {
      await render({ requests: [songRequest('r2')] });
      await pick(audioFile('plain.wav', 4));
      expect(byTestId('upload-fulfil-select')).toBeNull();
    });
  });
});
