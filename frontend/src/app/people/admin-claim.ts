import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { AdminClaimSchema } from '@musync/protocol';

import { PeopleStore } from './people-store';

/** "I'm the admin": proves the server's admin password to take the room's chair. */
@Component({
  selector: 'app-admin-claim',
  templateUrl: './admin-claim.html',
  styleUrl: './admin-claim.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminClaim {
  private readonly store = inject(PeopleStore);

  protected readonly password = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected edit(value: string): void {
    this.password.set(value);
    this.error.set(null);
  }

  protected async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const claim = AdminClaimSchema.safeParse({ password: this.password() });
    if (!claim.success) {
      this.error.set(claim.error.issues[0]?.message ?? 'This password cannot be used.');
      return;
    }
    this.busy.set(true);
    const refusal = await this.store.claimAdmin(claim.data.password);
    this.busy.set(false);
    this.error.set(refusal);
    // The password is not kept a moment longer than the claim needs it.
    this.password.set('');
  }
}
