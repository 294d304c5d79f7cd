import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';

import { RequestsStore } from '../requests/requests-store';

import { formatBytes, formatRate, formatTimeLeft, percentOf } from './transfer-format';
import { type UploadStatus, UploadStore, isActive } from './upload-store';

/**
 * What the picker offers. Only a hint to the file dialog: the server sniffs the
 * bytes, so a dropped file is never skipped by its name or type here.
 */
const ACCEPT = 'audio/*,.mp3,.m4a,.aac,.flac,.ogg,.oga,.opus,.wav,.webm,.weba';

const STATUS_TEXT: Record<UploadStatus, string> = {
  queued: 'Queued',
  uploading: 'Uploading',
  waiting: 'Reconnecting…',
  done: 'Added to the playlist',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

@Component({
  selector: 'app-upload-panel',
  templateUrl: './upload-panel.html',
  styleUrl: './upload-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UploadPanel {
  protected readonly store = inject(UploadStore);
  protected readonly requests = inject(RequestsStore);
  /** The approved request picked on each finished upload's row, by job id. */
  protected readonly fulfilPicks = signal<ReadonlyMap<string, string>>(new Map());
  /** Files are being dragged over the drop zone. */
  protected readonly dragging = signal(false);
  protected readonly accept = ACCEPT;
  protected readonly statusText = STATUS_TEXT;
  protected readonly isActive = isActive;
  protected readonly percentOf = percentOf;
  protected readonly formatBytes = formatBytes;
  protected readonly formatRate = formatRate;
  protected readonly formatTimeLeft = formatTimeLeft;

  protected pickRequest(jobId: string, requestId: string): void {
    this.fulfilPicks.update((picks) => new Map([...picks, [jobId, requestId]]));
  }

  /** The uploaded song fulfils the request picked on its row; the row and the request then say so. */
  protected fulfil(jobId: string, songId: string): void {
    const requestId = this.fulfilPicks().get(jobId);
    if (requestId) this.requests.fulfil(requestId, songId);
  }

  /** The titles of the requests this song fulfilled. */
  protected fulfilledBy(songId: string): string[] {
    return this.requests
      .entries()
      .filter((r) => r.status === 'fulfilled' && r.song?.id === songId)
      .map((r) => r.title);
  }

  protected pick(input: HTMLInputElement): void {
    this.store.add([...(input.files ?? [])]);
    // Picking the same file again must fire `change` again.
    input.value = '';
  }

  protected dragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    // Without this the browser refuses the drop (and would open the file instead).
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging.set(true);
  }

  protected dragLeave(event: DragEvent): void {
    const zone = event.currentTarget as HTMLElement;
    // Moving over a child of the zone fires dragleave on the zone too.
    if (!(event.relatedTarget instanceof Node && zone.contains(event.relatedTarget))) this.dragging.set(false);
  }

  protected drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    this.store.add([...(event.dataTransfer?.files ?? [])]);
  }
}
