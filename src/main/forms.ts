import { z } from 'zod';
import { hasControlCharacters, parseTags, TITLE_MAX } from '../services/notes';
import { checkbox, email, text } from '../web/forms';

// Flasky's main forms, with the same field names; lengths bounded so no input is unbounded.

export const POST_MAX = 100_000;
export const COMMENT_MAX = 5_000;


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

export const classForm = z.object({
  name: text({ max: 128 }),
  description: text({ max: 20_000, optional: true }),
  visibility: z.enum(['public', 'private'], { error: 'Not a valid choice.' }),
});

export const inviteForm = z.object({
  username: text({ max: 64 }),
  role: z.enum(['student', 'assistant'], { error: 'Not a valid choice.' }).default('student'),
});

export const joinForm = z.object({ code: text({ max: 64 }) });

/** The class a note is filed into: empty means none. */
export const classChoice = z.preprocess(
  (v) => (v === undefined || v === '' ? null : v),
  z.coerce.number({ error: 'Not a valid choice.' }).int('Not a valid choice.').positive('Not a valid choice.').nullable(),
);

/** A note's tags, comma-separated: normalised names, or the first problem as the field's error. */
const tagsField = text({ max: 1_000, optional: true }).transform((value, ctx) => {
  const parsed = parseTags(value);
  if (parsed.ok) return parsed.tags;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

export const postForm = z.object({
  body: text({ max: POST_MAX }),
  class_id: classChoice,
  title: text({ max: TITLE_MAX, optional: true }).refine((s) => !hasControlCharacters(s), 'Titles cannot contain control characters.'),
  tags: tagsField,
});
