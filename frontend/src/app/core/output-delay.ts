import { Service, signal } from '@angular/core';

import { readSetting, writeSetting } from './browser-storage';

const OUTPUT_DELAY_KEY = 'musync.outputDelayMs';
/** Bluetooth headphones add 100–300 ms; a second is past anything real and keeps typos harmless. */
export const OUTPUT_DELAY_MAX_MS = 1000;

/**
 * This device's extra output delay (ms): how much later than the browser reports
 * its sound reaches the ear. The browser cannot see Bluetooth or AV-receiver
 * delays; the listener can tune them out by ear. Remembered per browser.
 */
@Service()
export class OutputDelay {
  private readonly _ms = signal(clampDelay(Number(readSetting(OUTPUT_DELAY_KEY) ?? 0)));

  readonly ms = this._ms.asReadonly();

  set(ms: number): void {
    const value = clampDelay(ms);
    this._ms.set(value);
    writeSetting(OUTPUT_DELAY_KEY, String(value));
  }
}

function clampDelay(ms: number): number {
  return Number.isFinite(ms) ? Math.min(OUTPUT_DELAY_MAX_MS, Math.max(0, Math.round(ms))) : 0;
}
