import { expect, type Locator, type Page } from '@playwright/test';

export class TimelinePage {
  readonly canvas: Locator;
  readonly ladder: Locator;
  readonly stoppedAt: Locator;
  readonly details: Locator;

  constructor(readonly page: Page) {
    this.canvas = page.getByRole('img', { name: 'Timeline' });
    this.ladder = page.getByRole('list', { name: 'Stage ladder' });
    this.stoppedAt = page.getByRole('note', { name: 'Stopped at' });
    this.details = page.getByRole('region', { name: 'Line details' });
  }

  async loaded(): Promise<void> {
    await expect(this.canvas).toBeVisible();
    await expect(this.ladder).toBeVisible();
  }
}
