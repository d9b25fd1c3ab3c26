import { expect, type Locator, type Page } from '@playwright/test';

export class BundlesPage {
  readonly upload: Locator;

  constructor(readonly page: Page) {
    this.upload = page.getByLabel('Upload bundle');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { level: 1 })).toBeVisible();
  }

  async uploadFile(path: string): Promise<void> {
    await this.upload.setInputFiles(path);
  }
}
