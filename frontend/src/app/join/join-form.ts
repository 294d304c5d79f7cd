import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { UsernameSchema } from '@musync/protocol';

import { AudioUnlock } from '../core/audio-unlock';
import { RoomSession } from '../core/room-session';

/** The name prompt. The schema gives instant feedback; the server's answer is final. */
@Component({
  selector: 'app-join-form',
  templateUrl: './join-form.html',
  styleUrl: './join-form.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JoinForm {
  private readonly session = inject(RoomSession);
  private readonly audio = inject(AudioUnlock);

  readonly roomId = input.required<string>();

  protected readonly name = signal(this.session.lastUsername);
  protected readonly joining = this.session.joining;
  private readonly invalidName = signal<string | null>(null);
  protected readonly error = computed(() => this.invalidName() ?? this.session.joinError());

  protected edit(value: string): void {
    this.name.set(value);
    this.invalidName.set(null);
  }

  protected submit(event: SubmitEvent): void {
    event.preventDefault();
    const username = UsernameSchema.safeParse(this.name());
    if (!username.success) {
      this.invalidName.set(username.error.issues[0]?.message ?? 'This name cannot be used.');
      return;
    }
    // Still inside the click (or Enter key) gesture, as browsers require to start audio.
    this.audio.unlock();
    this.session.join(this.roomId(), username.data);
  }
}
