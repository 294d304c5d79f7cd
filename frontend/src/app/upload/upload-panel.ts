import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';

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
  /** Files are being dragged over the drop zone. */
  protected readonly dragging = signal(false);
  protected readonly accept = ACCEPT;
  protected readonly statusText = STATUS_TEXT;
  protected readonly isActive = isActive;
  protected readonly percentOf = percentOf;
  protected readonly formatBytes = formatBytes;
  protected readonly formatRate = formatRate;
  protected readonly formatTimeLeft = formatTimeLeft;

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
