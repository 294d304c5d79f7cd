import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterOutlet } from '@angular/router';

import { ClockSync } from './core/clock-sync';

@Component({
  selector: 'app-root',
  imports: [RouterOutlet],
  template: '<router-outlet />',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  // Started with the app rather than by the first view that reads it, so the clock
  // estimate has settled by the time anyone presses play.
  protected readonly clock = inject(ClockSync);
}
