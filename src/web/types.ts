import type { User } from '../models';

// What mlnotes keeps in a server-side session, beside Passport's own `passport` key.
declare module 'express-session' {
  interface SessionData {
    /** Flask-Login's `_id`: sha512 of the client's address and User-Agent at login. */
    _id?: string;
    /** Flask-Login's `_fresh`: true after an interactive login. */
    _fresh?: boolean;
    /** When the user logged in (ms): the absolute timeout counts from here. */
    loginAt?: number;
    /** Last request (ms), refreshed at most once a minute: the idle timeout counts from here. */
    lastActive?: number;
    flashes?: { category: string; message: string }[];
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends InstanceType<typeof import('../models').User> {}
    interface Request {
      flash(message: string, category?: string): void;
      /** Set when session protection ends a login: the remember-me cookie must not bring it back. */
      sessionProtectionFailed?: boolean;
    }
  }
}

export type { User };
