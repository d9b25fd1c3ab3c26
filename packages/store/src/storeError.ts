/** A typed store error the server maps to an HTTP status. */
export class StoreError extends Error {
  constructor(
    readonly code: 'bad_query' | 'not_found' | 'conflict' | 'migration_drift',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
