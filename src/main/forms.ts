import { z } from 'zod';
import { checkbox, email, text } from '../web/forms';

// Flasky's main forms, with the same field names; lengths bounded so no input is unbounded.

export const POST_MAX = 100_000;
export const COMMENT_MAX = 5_000;

export const postForm = z.object({ body: text({ max: POST_MAX }) });
export const commentForm = z.object({ body: text({ max: COMMENT_MAX }) });

const profileFields = {
  name: text({ max: 64, optional: true }),
  location: text({ max: 64, optional: true }),
  about_me: text({ max: 5_000, optional: true }),
};
export const editProfileForm = z.object(profileFields);

export const editProfileAdminForm = z.object({
  email: email(),
  username: text({ max: 64 }).pipe(z.string().regex(/^[A-Za-z][A-Za-z0-9_.]*$/, 'Usernames must have only letters, numbers, dots or underscores')),
  confirmed: checkbox(),
  role: z.coerce.number({ error: 'Not a valid choice.' }).int('Not a valid choice.'),
  ...profileFields,
});
