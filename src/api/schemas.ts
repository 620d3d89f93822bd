import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { parseTags, TAGS_PER_NOTE, TITLE_MAX } from '../services/notes';

// The API's shapes, once: request schemas validate what clients send, response
// schemas describe what the serializers produce (the test suite checks every
// response against them), and both are registered in the OpenAPI document.

extendZodWithOpenApi(z);

export const POST_MAX = 100_000;
export const COMMENT_MAX = 5_000;

// Text a client may write: not blank, not over-long, no control characters but tab and newlines.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
function text(what: 'post' | 'comment', max: number) {
  const missing = `${what} does not have a body`;
  return z
    .string({ error: (issue) => (issue.input == null ? missing : 'body must be a string') })
    .min(1, missing)
    .max(max, `body must be at most ${max} characters`)
    .refine((s) => s.trim() !== '', missing)
    .refine((s) => !CONTROL.test(s), 'body must not contain control characters')
    .openapi({ description: 'Markdown source', example: 'Hello *world*' });
}

// --- requests ---

const classId = z
  .number({ error: 'class_id must be an integer or null' })
  .int('class_id must be an integer or null')
  .positive('class_id must be an integer or null')
  .nullable()
  .openapi({ description: 'File the note into a class its author teaches or belongs to (null: none)' });

const title = z
  .string({ error: 'title must be a string or null' })
  .max(TITLE_MAX, `title must be at most ${TITLE_MAX} characters`)
  .refine((s) => !CONTROL.test(s), 'title must not contain control characters')
  .nullable()
  .openapi({ description: 'Empty or null: pages show one derived from the first heading or line' });
const tags = z
  .array(z.string({ error: 'tags must be an array of strings' }).max(200, 'a tag must be at most 50 characters'), { error: 'tags must be an array of strings' })
  .max(TAGS_PER_NOTE, `a note can have at most ${TAGS_PER_NOTE} tags`)
  .superRefine((names, ctx) => {
    const parsed = parseTags(names);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  })
  .openapi({ description: "Tag names, normalised (NFKC, lower case, '#' dropped, spaces → '-'); replaces the note's tags", example: ['optimization', 'adam'] });

export const PostCreate = z
  .strictObject({ body: text('post', POST_MAX), class_id: classId.optional(), title: title.optional(), tags: tags.optional() })
  .openapi('PostCreate');
export const PostUpdate = z
  .strictObject({ body: text('post', POST_MAX).optional(), class_id: classId.optional(), title: title.optional(), tags: tags.optional() })
  .openapi('PostUpdate', { description: '`{}` keeps the body, as upstream; an empty body is a 400' });
export const CommentCreate = z.strictObject({ body: text('comment', COMMENT_MAX) }).openapi('CommentCreate');
export const CommentModerate = z.strictObject({
  disabled: z.boolean({ error: (issue) => (issue.input == null ? 'disabled is required' : 'disabled must be true or false') }),
}).openapi('CommentModerate');

export const IdParams = z.object({
  id: z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .openapi({ type: 'integer', minimum: 1, param: { description: 'Numeric id (anything else is a 404)' } }),
});

export const ListQuery = z.object({
  page: z
    .string()
    .optional()
    .openapi({
      type: 'integer',
      minimum: 1,
      default: 1,
      description: 'Page number (anything that is not a positive integer is page 1)',
    }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,200}$/)
    .optional()
    .openapi({
      description:
        'Keyset pagination: an empty value starts at the top, the `next` URL carries the following cursor. Its cost does not grow with depth. `page` is ignored when a cursor is given.',
    }),
});

// --- responses ---

const httpDate = z
  .string()
  .regex(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
  .openapi({ description: 'HTTP date in GMT', example: 'Thu, 26 Nov 2026 05:13:45 GMT' });
const apiPath = (example: string) =>
  z
    .string()
    .regex(/^\/api\/v1\/[^?#]*$/)
    .openapi({ example });
const pageUrl = z
  .string()
  .regex(/^\/api\/v1\/\S*\?(page=\d+|cursor=[A-Za-z0-9_-]+)$/)
  .nullable()
  .openapi({ example: '/api/v1/posts/?page=2' });

export const PostJson = z.strictObject({
  url: apiPath('/api/v1/posts/1'),
  body: z.string(),
  body_html: z.string(),
  timestamp: httpDate,
  author_url: apiPath('/api/v1/users/3'),
  comments_url: apiPath('/api/v1/posts/1/comments/'),
  comment_count: z.number().int().min(0),
  class_url: apiPath('/api/v1/classes/2').nullable().openapi({ description: 'The class the note is filed into (not in upstream Flasky)' }),
  title: z.string().openapi({ description: 'The title given, else one derived from the first heading or line (not in upstream Flasky)' }),
  tags: z.array(z.string()).openapi({ description: 'Tag names, alphabetical (not in upstream Flasky)' }),
}).openapi('Post');

export const UserJson = z.strictObject({
  url: apiPath('/api/v1/users/3'),
  username: z.string(),
  member_since: httpDate,
  last_seen: httpDate,
  posts_url: apiPath('/api/v1/users/3/posts/'),
  followed_posts_url: apiPath('/api/v1/users/3/timeline/'),
  post_count: z.number().int().min(0),
}).openapi('User');

export const CommentJson = z.strictObject({
  url: apiPath('/api/v1/comments/7'),
  post_url: apiPath('/api/v1/posts/1'),
  body: z.string().openapi({ description: 'Empty when disabled and the reader cannot moderate' }),
  body_html: z.string(),
  timestamp: httpDate,
  author_url: apiPath('/api/v1/users/4'),
  disabled: z.boolean().openapi({ description: 'Set by a moderator (not in upstream Flasky)' }),
}).openapi('Comment');

const page = <T extends z.ZodType>(key: 'posts' | 'comments' | 'classes' | 'students', item: T) =>
  z.strictObject({
    [key]: z.array(item),
    prev: pageUrl,
    next: pageUrl,
    count: z.number().int().min(0).openapi({ description: 'Total number of items, not the page length' }),
  });

export const PostPage = page('posts', PostJson).openapi('PostPage');
export const CommentPage = page('comments', CommentJson).openapi('CommentPage');

// --- classes (not in upstream Flasky) ---

const className = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, 'class does not have a name')
  .max(128, 'name must be at most 128 characters')
  .refine((v) => !CONTROL.test(v), 'name must not contain control characters');
const classDescription = z
  .string({ error: 'description must be a string' })
  .max(20_000, 'description must be at most 20000 characters')
  .refine((v) => !CONTROL.test(v), 'description must not contain control characters')
  .openapi({ description: 'Markdown' });
const visibility = z.enum(['public', 'private'], { error: 'visibility must be "public" or "private"' });
const classRole = z.enum(['student', 'assistant'], { error: 'role must be "student" or "assistant"' });

export const ClassCreate = z
  .strictObject({ name: className, description: classDescription.optional(), visibility: visibility.optional() })
  .openapi('ClassCreate');
export const ClassUpdate = z
  .strictObject({ name: className.optional(), description: classDescription.optional(), visibility: visibility.optional() })
  .openapi('ClassUpdate');
export const RegistrationCreate = z
  .strictObject({
    user_id: z.number({ error: 'user_id must be an integer' }).int('user_id must be an integer').positive('user_id must be an integer').optional()
      .openapi({ description: "The teacher registers another user; omit it to register yourself" }),
    role: classRole.optional().openapi({ description: 'Set by the teacher; default student' }),
    join_code: z.string({ error: 'join_code must be a string' }).max(64).optional().openapi({ description: "A private class's join code" }),
  })
  .openapi('RegistrationCreate');

export const ClassJson = z.strictObject({
  url: apiPath('/api/v1/classes/2'),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  description_html: z.string(),
  visibility,
  teacher_url: apiPath('/api/v1/users/3'),
  students_url: apiPath('/api/v1/classes/2/students/'),
  posts_url: apiPath('/api/v1/classes/2/posts/'),
  member_count: z.number().int().min(0),
  created_at: httpDate,
  join_code: z.string().optional().openapi({ description: "Private classes, shown to the teacher and administrators only" }),
}).openapi('Class');

export const StudentJson = z.strictObject({
  user_url: apiPath('/api/v1/users/4'),
  username: z.string(),
  role: classRole,
  registered: httpDate,
}).openapi('Student');

export const ClassPage = page('classes', ClassJson).openapi('ClassPage');
export const StudentPage = page('students', StudentJson).openapi('StudentPage');

// --- tags, related notes and search (not in upstream Flasky) ---

export const TagJson = z.strictObject({
  name: z.string().openapi({ example: 'optimization' }),
  posts_url: apiPath('/api/v1/tags/optimization/posts/'),
  post_count: z.number().int().min(0).openapi({ description: 'Notes with this tag that the reader may see' }),
}).openapi('Tag');

export const TagPage = z
  .strictObject({ tags: z.array(TagJson), prev: pageUrl, next: pageUrl, count: z.number().int().min(0).openapi({ description: 'Tags on notes the reader may see' }) })
  .openapi('TagPage');

const score = z.number().openapi({ description: 'Cosine similarity, 0–1' });
export const RelatedPosts = z
  .strictObject({ posts: z.array(PostJson.extend({ score })), count: z.number().int().min(0) })
  .openapi('RelatedPosts');
export const SearchPage = z
  .strictObject({
    posts: z.array(PostJson.extend({ score, snippet_html: z.string().openapi({ description: 'Escaped text with the query terms in <mark>' }) })),
    prev: pageUrl,
    next: pageUrl,
    count: z.number().int().min(0).openapi({ description: 'Matching notes among the best 200' }),
  })
  .openapi('SearchPage');

export const PageQuery = ListQuery.pick({ page: true });
export const RelatedQuery = z.object({
  k: z.string().optional().openapi({ type: 'integer', minimum: 1, maximum: 20, default: 5, description: 'How many notes (1–20)' }),
});
export const SearchQuery = z.object({
  q: z.string().optional().openapi({ description: 'Words to look for, any language (at most 500 characters, no control characters)' }),
  cursor: z
    .string()
    .optional()
    .openapi({ description: 'From the `next` URL of the previous page (it carries the query); absent or empty starts at the top' }),
});

export const TokenJson = z.strictObject({
  token: z.string().openapi({ description: 'Send as Basic username with an empty password, or as a Bearer token' }),
  expiration: z.number().int().openapi({ example: 3600 }),
}).openapi('Token');

export const ErrorJson = z.strictObject({
  error: z.string().openapi({ example: 'bad request' }),
  message: z.string().optional().openapi({ example: 'post does not have a body' }),
}).openapi('Error');

/** Response schemas by component name, for checking responses against the document. */
export const responseSchemas: Record<string, z.ZodType> = {
  Post: PostJson,
  User: UserJson,
  Comment: CommentJson,
  PostPage,
  CommentPage,
  Class: ClassJson,
  Student: StudentJson,
  ClassPage,
  StudentPage,
  Token: TokenJson,
  Error: ErrorJson,
  Tag: TagJson,
  TagPage,
  RelatedPosts,
  SearchPage,
};

export type PostCreateBody = z.infer<typeof PostCreate>;
export type PostUpdateBody = z.infer<typeof PostUpdate>;
export type CommentCreateBody = z.infer<typeof CommentCreate>;
export type CommentModerateBody = z.infer<typeof CommentModerate>;
export type PostJsonT = z.infer<typeof PostJson>;
export type ClassCreateBody = z.infer<typeof ClassCreate>;
export type ClassUpdateBody = z.infer<typeof ClassUpdate>;
export type RegistrationCreateBody = z.infer<typeof RegistrationCreate>;
export type ClassJsonT = z.infer<typeof ClassJson>;
export type StudentJsonT = z.infer<typeof StudentJson>;
export type UserJsonT = z.infer<typeof UserJson>;
export type TagJsonT = z.infer<typeof TagJson>;
export type CommentJsonT = z.infer<typeof CommentJson>;
