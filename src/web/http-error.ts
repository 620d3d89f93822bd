/** An error that carries its HTTP status; thrown anywhere, rendered by the surface's error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? String(status));
  }
}

export const notFound = (message = 'Not Found') => new HttpError(404, message);
export const forbidden = (message = 'Forbidden') => new HttpError(403, message);
