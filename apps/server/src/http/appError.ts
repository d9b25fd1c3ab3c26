/** A typed, expected error: the error middleware sends its status and code to the client. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(message: string, details?: unknown): AppError {
    return new AppError(400, 'bad_request', message, details);
  }

  static notFound(what: string, details?: unknown): AppError {
    return new AppError(404, 'not_found', `${what} not found`, details);
  }

  static conflict(message: string, details?: unknown): AppError {
    return new AppError(409, 'conflict', message, details);
  }

  static tooLarge(message: string, details?: unknown): AppError {
    return new AppError(413, 'payload_too_large', message, details);
  }
}
