import { TestBed } from '@angular/core/testing';

import { OutputDelay } from './output-delay';

describe('OutputDelay', () => {
  beforeEach(() => localStorage.clear());

  const fresh = (): OutputDelay => {
    TestBed.resetTestingModule();
    return TestBed.inject(OutputDelay);
  };

  it('starts at 0 ms on a device that never set it', () => {
    expect(fresh().ms()).toBe(0);
  });

  it('is remembered by this browser across visits', () => {
    fresh().set(180);
    expect(localStorage.getItem('musync.outputDelayMs')).toBe('180');
    expect(fresh().ms()).toBe(180);
  });

  it('keeps whole milliseconds between 0 and 1000', () => {
    const delay = fresh();
    delay.set(-40);
    expect(delay.ms()).toBe(0);
    delay.set(5000);
    expect(delay.ms()).toBe(1000);
    delay.set(12.6);
    expect(delay.ms()).toBe(13);
    delay.set(Number.NaN); // an emptied number input
    expect(delay.ms()).toBe(0);
  });

  it('ignores a stored value that is not a number', () => {
    localStorage.setItem('musync.outputDelayMs', 'loud');
    expect(fresh().ms()).toBe(0);
  });
});
