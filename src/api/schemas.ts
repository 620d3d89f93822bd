import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

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

export const PostCreate = z.strictObject({ body: text('post', POST_MAX) }).openapi('PostCreate');
export const PostUpdate = z
  .strictObject({ body: text('post', POST_MAX).optional() })
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

const page = <T extends z.ZodType>(key: 'posts' | 'comments', item: T) =>
  z.strictObject({
    [key]: z.array(item),
    prev: pageUrl,
    next: pageUrl,
    count: z.number().int().min(0).openapi({ description: 'Total number of items, not the page length' }),
  });

export const PostPage = page('posts', PostJson).openapi('PostPage');
export const CommentPage = page('comments', CommentJson).openapi('CommentPage');

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
  Token: TokenJson,
  Error: ErrorJson,
};

export type PostCreateBody = z.infer<typeof PostCreate>;
export type PostUpdateBody = z.infer<typeof PostUpdate>;
export type CommentCreateBody = z.infer<typeof CommentCreate>;
export type CommentModerateBody = z.infer<typeof CommentModerate>;
export type PostJsonT = z.infer<typeof PostJson>;
export type UserJsonT = z.infer<typeof UserJson>;
export type CommentJsonT = z.infer<typeof CommentJson>;
