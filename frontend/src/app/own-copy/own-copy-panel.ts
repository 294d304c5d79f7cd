import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import type { Song } from '@musync/protocol';

import { OwnCopyStore } from './own-copy-store';

/** Audio types the picker offers; any file can still be chosen, and only a matching fingerprint counts. */
const AUDIO_FILES = 'audio/*,.mp3,.m4a,.aac,.flac,.ogg,.opus,.wav,.webm';

@Component({
  selector: 'app-own-copy-panel',
  templateUrl: './own-copy-panel.html',
  styleUrl: './own-copy-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OwnCopyPanel {
  protected readonly store = inject(OwnCopyStore);
  protected readonly accept = AUDIO_FILES;

  protected add(input: HTMLInputElement): void {
    const file = input.files?.[0];
    input.value = ''; // the same file can be picked again
    if (file) this.store.add(file);
  }

  protected attach(song: Song, input: HTMLInputElement): void {
    const file = input.files?.[0];
    input.value = '';
    if (file) this.store.attach(song, file);
  }

  protected percent(fraction: number): number {
    return Math.floor(fraction * 100);
  }
}
