import { z } from 'zod';

// Form validation with zod, reported per field as Flask-WTF does.

export type FieldErrors = Record<string, string[]>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const REQUIRED = 'This field is required.';

/** A text field: missing → '', trimmed, required unless `optional`, at most `max` characters. */
export function text(opts: { max?: number; optional?: boolean; trim?: boolean } = {}) {
  let s = z.string({ error: 'Invalid value.' });
  if (opts.trim !== false) s = s.trim();
  if (!opts.optional) s = s.min(1, REQUIRED);
  if (opts.max) s = s.max(opts.max, `Field must be at most ${opts.max} characters long.`);
  return z.preprocess((v) => (v === undefined || v === null ? '' : v), s);
}

export const email = () => text({ max: 64 }).pipe(z.string().email('Invalid email address.'));

/** At least 8 characters, at most 72 UTF-8 bytes: bcrypt silently ignores anything past 72. */
export const newPassword = () =>
  text({ trim: false })
    .pipe(z.string().min(8, 'Password must be at least 8 characters long.'))
    .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'Password must be at most 72 bytes long.');

export const checkbox = () => z.preprocess((v) => v === 'y' || v === 'on' || v === 'true' || v === true, z.boolean());

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    (errors[field] ??= []).push(issue.message);
  }
  return { ok: false, errors };
}

const isLocalPath = (path: string) =>
  path.startsWith('/') && path[1] !== '/' && path[1] !== '\\' && !/[\\\u0000-\u001f\u007f]/.test(path);

/**
 * `?next=` after login: only a same-origin path. Starts with one '/', the second
 * character is neither '/' nor '\', no backslashes or control characters; the
 * same holds once percent-decoded (`/%2F%2Fevil` is `//evil` to some proxies).
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  const origin = 'http://mlnotes.invalid';
  try {
    if (!isLocalPath(next) || !isLocalPath(decodeURIComponent(next))) return '/';
    return new URL(next, origin).origin === origin ? next : '/';
  } catch {
    return '/';
  }
}
