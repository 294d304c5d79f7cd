import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';

import { AdminClaim } from './admin-claim';
import { PeopleStore } from './people-store';

@Component({
  selector: 'app-people-panel',
  imports: [AdminClaim],
  templateUrl: './people-panel.html',
  styleUrl: './people-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PeoplePanel {
  protected readonly store = inject(PeopleStore);
  protected readonly countLabel = computed(() => {
    const count = this.store.count();
    return `${count} ${count === 1 ? 'person' : 'people'}`;
  });
}
