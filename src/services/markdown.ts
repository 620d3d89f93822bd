import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

export type MarkdownKind = 'post' | 'comment';

// Dedicated instance so other code calling marked.use() cannot change our output.
const marked = new Marked({ gfm: true, breaks: false });

const COMMENT_TAGS = ['a', 'abbr', 'acronym', 'b', 'code', 'em', 'i', 'strong'];

const POST_TAGS = [
  ...COMMENT_TAGS,
  'blockquote', 'li', 'ol', 'pre', 'ul', 'p',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'hr', 'br', 'img', 'del', 's', 'sup', 'sub',
];

const LINK_REL = 'nofollow noopener';

// Elements whose whole content is dropped (not just the tag): raw-text and
// foreign-content elements are where parser differentials (mutation XSS) live.
// An unclosed one therefore swallows the rest of the document, which is the
// safe failure mode.
const DROP_CONTENT_TAGS = [
  'script', 'style', 'textarea', 'option', 'select', 'xmp', 'noscript',
  'noembed', 'noframes', 'plaintext', 'title', 'template', 'iframe',
  'object', 'embed', 'svg', 'math',
];

function options(allowedTags: string[]): sanitizeHtml.IOptions {
  return {
    allowedTags,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      abbr: ['title'],
      acronym: ['title'],
      img: ['src', 'alt', 'title'],
      th: ['align'],
      td: ['align'],
    },
    selfClosing: ['img', 'br', 'hr'],
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { a: ['http', 'https', 'mailto'], img: ['http', 'https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: DROP_CONTENT_TAGS,
    transformTags: {
      // Replaces any user-supplied rel; target is not allowlisted at all.
      a: (tagName, attribs) => {
        const { rel: _ignored, ...rest } = attribs;
        return { tagName, attribs: { ...rest, rel: LINK_REL } };
      },
    },
    exclusiveFilter: (frame) => {
      // A link whose href was rejected keeps its text but loses the tag.
      if (frame.tag === 'a' && !frame.attribs.href) return 'excludeTag';
      // Images must be absolute http(s): no relative or data: hot-linking.
      if (frame.tag === 'img') {
        const src = (frame.attribs.src ?? '').replace(/[\x00-\x20]/g, '');
        return !/^https?:\/\//i.test(src);
      }
      return false;
    },
  };
}

const POST_OPTIONS = options(POST_TAGS);
const COMMENT_OPTIONS = options(COMMENT_TAGS);

/**
 * Render user Markdown to safe HTML (Flasky's markdown + bleach pipeline).
 * Posts allow block markup; comments are inline-only (no <p>, as in Flasky).
 */
export function renderMarkdown(source: string, kind: MarkdownKind): string {
  if (!source || !source.trim()) return '';
  const html =
    kind === 'comment'
      ? marked.parseInline(source, { async: false })
      : marked.parse(source, { async: false });
  return sanitizeHtml(html, kind === 'comment' ? COMMENT_OPTIONS : POST_OPTIONS).trim();
}
