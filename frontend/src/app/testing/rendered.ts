import type { Type } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

/** Lets pending promise callbacks (the fake server's acks) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A component rendered by TestBed, with what panel specs ask of it: its elements
 * by data-testid, and rendering again once the fake server has answered.
 */
export class Rendered<C> {
  readonly fixture: ComponentFixture<C>;
  readonly root: HTMLElement;

  constructor(component: Type<C>) {
    this.fixture = TestBed.createComponent(component);
    this.root = this.fixture.nativeElement as HTMLElement;
  }

  /** Renders what changed. */
  stable(): Promise<void> {
    return this.fixture.whenStable();
  }

  /** Lets the answers to what the component sent arrive, then renders. */
  async afterAnswers(): Promise<void> {
    await settle();
    await this.fixture.whenStable();
  }

  byTestId<T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = this.root): T | null {
    return within.querySelector<T>(`[data-testid="${testId}"]`);
  }

  allByTestId(testId: string, within: ParentNode = this.root): HTMLElement[] {
    return [...within.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
  }
}
