import { type Locator, type Page } from '@playwright/test';

export class SearchPage {
  readonly box: Locator;
  readonly results: Locator;
  readonly advanced: Locator;
  readonly severity: Locator;
  readonly histogram: Locator;

  constructor(readonly page: Page) {
    this.box = page.getByRole('searchbox', { name: 'Search logs' });
    this.results = page.getByRole('list', { name: 'Search results' });
    this.advanced = page.getByRole('checkbox', { name: 'Advanced (FTS syntax)' });
    this.severity = page.getByRole('combobox', { name: 'Severity' });
    this.histogram = page.getByRole('figure', { name: 'Hits over time' });
  }

  async goto(bundleId: string): Promise<void> {
    await this.page.goto(`/bundles/${bundleId}/search`);
  }

  async search(text: string): Promise<void> {
    await this.box.fill(text);
    await this.box.press('Enter');
  }
}
