import type { RequestHandler } from 'express';

// express-session saves a changed session when the response ends, but only after
// the headers are out; a browser follows a 302 as soon as it sees them, so the
// next page can load the session before the save lands (expressjs/session#360):
// a login dropped by session protection (its identifier not saved yet), a flash
// lost. Redirects therefore wait for the save. Sessions holding nothing are not
// written, so anonymous redirects create no rows.
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session;
    if (!session || !Object.keys(session).some((key) => key !== 'cookie')) return redirect(...args);
    session.save((err) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};
