/**
 * The bundle-wide allowance of decompressed bytes (`Limits.maxDecompressedBytes`), shared by every
 * decompressor in one `readBundle` call: the gunzip of a `.tar.gz`, the inflate of zip members, the
 * gunzip of `.gz` members. Stored bytes are not counted: their size is bounded by the input itself.
 */
export class DecompressBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Accounts for `n` more decompressed bytes and returns how many of them still fit (0…n). */
  take(n: number): number {
    const room = Math.max(0, this.limit - this.used);
    this.used += n;
    return Math.min(room, n);
  }

  get exceeded(): boolean {
    return this.used > this.limit;
  }

  get reason(): string {
    return `decompressed size limit of ${this.limit} bytes exceeded`;
  }
}

/** Thrown into an archive pipeline when its outer decompression runs over the budget. */
export class DecompressLimitError extends Error {
  constructor(budget: DecompressBudget) {
    super(budget.reason);
    this.name = 'DecompressLimitError';
  }
}
