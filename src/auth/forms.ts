import { z } from 'zod';
import { checkbox, email, newPassword, text } from '../web/forms';

// Flasky's auth forms: the same field names, validators and messages.

const USERNAME = /^[A-Za-z][A-Za-z0-9_.]*$/;
const passwordsMatch = (f: { password: string; password2: string }) => f.password === f.password2;
const mismatch = (message = 'Passwords must match.') => ({ message, path: ['password'] });

export const loginForm = z.object({
  email: email(),
  password: text({ trim: false, max: 1024 }),
  remember_me: checkbox(),
});

export const registrationForm = z
  .object({
    email: email(),
    username: text({ max: 64 }).pipe(z.string().regex(USERNAME, 'Usernames must have only letters, numbers, dots or underscores')),
    password: newPassword(),
    password2: text({ trim: false }),
  })
  .refine(passwordsMatch, mismatch());

export const changePasswordForm = z
  .object({ old_password: text({ trim: false, max: 1024 }), password: newPassword(), password2: text({ trim: false }) })
  .refine(passwordsMatch, mismatch());

export const passwordResetRequestForm = z.object({ email: email() });

export const passwordResetForm = z
  .object({ password: newPassword(), password2: text({ trim: false }) })
  .refine(passwordsMatch, mismatch('Passwords must match'));

export const changeEmailForm = z.object({ email: email(), password: text({ trim: false, max: 1024 }) });
