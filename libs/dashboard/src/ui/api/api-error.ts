/** An answer of the API other than 2xx, with its code and message (`{ error: { code, message } }`). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** How the page shows it: `409 TASK_LEASED: ...`. */
  describe(): string {
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

/** What to show of any error a call raised. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}
