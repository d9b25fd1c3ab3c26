import { expect, type Locator, type Page } from '@playwright/test';

export class TimelinePage {
  readonly canvas: Locator;
  readonly ladder: Locator;
  readonly stoppedAt: Locator;
  readonly details: Locator;
  readonly logTable: Locator;
  readonly logRows: Locator;
  readonly lineFilter: Locator;

  constructor(readonly page: Page) {
    this.canvas = page.getByRole('img', { name: 'Timeline' });
    this.ladder = page.getByRole('list', { name: 'Stage ladder' });
    this.stoppedAt = page.getByRole('note', { name: 'Stopped at' });
    this.details = page.getByRole('region', { name: 'Line details' });
    this.logTable = page.getByRole('region', { name: 'Log lines' });
    this.logRows = this.logTable.getByRole('row');
    this.lineFilter = this.logTable.getByRole('searchbox', { name: 'Filter lines' });
  }

  async loaded(): Promise<void> {
    await expect(this.canvas).toBeVisible();
    await expect(this.ladder).toBeVisible();
  }

  /** The URL's query parameter `name`, or null. */
  param(name: string): string | null {
    return new URL(this.page.url()).searchParams.get(name);
  }

  /** Opens the request whose row on the requests page mentions `text`. */
  async open(bundleId: string, text: string): Promise<void> {
    await this.page.goto(`/bundles/${bundleId}`);
    await this.page.getByRole('row').filter({ hasText: text }).first().click();
    await this.loaded();
  }
}
