import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { ErrorCode, PasscodeSchema, UsernameSchema } from '@musync/protocol';

import { AudioUnlock } from '../core/audio-unlock';
import { RoomSession } from '../core/room-session';

/**
 * The name prompt, and the room's passcode once the server said the room has one.
 * The schemas give instant feedback; the server's answer is final.
 */
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
  protected readonly passcode = signal('');
  protected readonly joining = this.session.joining;
  private readonly invalidInput = signal<string | null>(null);
  protected readonly error = computed(() => this.invalidInput() ?? this.session.joinError());
  /** Asked for once the server said so, and kept while one is typed (a retry clears the error). */
  protected readonly asksPasscode = computed(() => {
    const code = this.session.joinErrorCode();
    return code === ErrorCode.PASSCODE_REQUIRED || code === ErrorCode.WRONG_PASSCODE || this.passcode() !== '';
  });

  protected edit(value: string): void {
    this.name.set(value);
    this.invalidInput.set(null);
  }

  protected editPasscode(value: string): void {
    this.passcode.set(value);
    this.invalidInput.set(null);
  }

  protected submit(event: SubmitEvent): void {
    event.preventDefault();
    const username = UsernameSchema.safeParse(this.name());
    if (!username.success) {
      this.invalidInput.set(username.error.issues[0]?.message ?? 'This name cannot be used.');
      return;
    }
    let passcode: string | undefined;
    if (this.asksPasscode()) {
      const parsed = PasscodeSchema.safeParse(this.passcode());
      if (!parsed.success) {
        this.invalidInput.set(parsed.error.issues[0]?.message ?? 'This passcode cannot be used.');
        return;
      }
      passcode = parsed.data;
    }
    // Still inside the click (or Enter key) gesture, as browsers require to start audio.
    this.audio.unlock();
    this.session.join(this.roomId(), username.data, passcode);
  }
}
