import { type Locator, type Page } from '@playwright/test';

export class RequestsPage {
  readonly search: Locator;
  readonly namespace: Locator;
  readonly system: Locator;
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole('searchbox', { name: 'Search requests' });
    this.namespace = page.getByRole('textbox', { name: 'Namespace' });
    this.system = page.getByRole('checkbox', { name: 'Show system activity' });
    this.table = page.getByRole('table');
  }

  async goto(bundleId: string): Promise<void> {
    await this.page.goto(`/bundles/${bundleId}`);
  }

  param(name: string): string | null {
    return new URL(this.page.url()).searchParams.get(name);
  }
}
