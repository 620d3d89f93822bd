import crypto from 'node:crypto';
import hljs from 'highlight.js/lib/common';
import julia from 'highlight.js/lib/languages/julia';
import latex from 'highlight.js/lib/languages/latex';
import matlab from 'highlight.js/lib/languages/matlab';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import katex from 'katex';
import { Marked, type RendererObject, type Tokens, type TokenizerAndRendererExtension } from 'marked';
import { markedHighlight } from 'marked-highlight';
import sanitizeHtml from 'sanitize-html';

export type MarkdownKind = 'post' | 'comment';

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
// safe failure mode. User-written <math> is dropped too: only MathML that
// KaTeX produced from $…$ reaches the page (see Rendering below).
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

// --- Math: KaTeX to MathML, checked against exactly what KaTeX emits ----------

const LENGTH = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:em|ex|pt|px|mu|%|width|height|depth)?$/;
const LENGTHS = /^[+-]?[\d.]+[a-z%]*(?: [+-]?[\d.]+[a-z%]*)*$/;
const BOOL = /^(?:true|false)$/;
const COLOR = /^(?:#?[0-9a-f]{3,8}|[a-z]+)$/i;
const WORDS = /^[a-z-]+(?: [a-z-]+)*$/;
const ALIGN = /^(?:left|center|right)(?: (?:left|center|right))*$/;
const LINES = /^(?:none|solid|dashed)(?: (?:none|solid|dashed))*$/;

// Attributes KaTeX sets (katex/dist/katex.js setAttribute calls), per element,
// with the values it produces. No style (\fcolorbox, \pmb), no href or mglyph
// (trust-only commands, and trust stays off).
const MATHML: Record<string, Record<string, RegExp>> = {
  math: { xmlns: /^http:\/\/www\.w3\.org\/1998\/Math\/MathML$/, display: /^block$/ },
  semantics: {},
  annotation: { encoding: /^application\/x-tex$/ },
  mrow: {}, msqrt: {}, mroot: {}, mphantom: {}, mtr: {},
  msub: {}, msup: {}, msubsup: {}, munderover: {},
  mi: { mathvariant: WORDS },
  mn: { mathvariant: WORDS },
  mtext: { mathvariant: WORDS },
  mo: {
    fence: BOOL, stretchy: BOOL, separator: BOOL, largeop: BOOL, mathvariant: WORDS,
    lspace: LENGTH, rspace: LENGTH, minsize: LENGTH, maxsize: LENGTH, mathcolor: COLOR,
  },
  mfrac: { linethickness: LENGTH },
  mover: { accent: BOOL },
  munder: { accentunder: BOOL },
  mspace: { width: LENGTH, height: LENGTH, linebreak: /^newline$/, mathbackground: COLOR },
  mpadded: { width: LENGTH, height: LENGTH, depth: LENGTH, voffset: LENGTH, lspace: LENGTH, mathbackground: COLOR },
  mstyle: { scriptlevel: /^[0-7]$/, displaystyle: BOOL, mathcolor: COLOR, mathsize: LENGTH },
  menclose: { notation: WORDS },
  mtable: { rowspacing: LENGTHS, columnspacing: LENGTHS, columnalign: ALIGN, rowlines: LINES, columnlines: LINES, width: LENGTH },
  mtd: { width: LENGTH },
};

const MATHML_OPTIONS: sanitizeHtml.IOptions = {
  // KaTeX's <span class="katex"> wrapper is dropped: no KaTeX CSS is served.
  allowedTags: Object.keys(MATHML),
  allowedAttributes: Object.fromEntries(Object.entries(MATHML).map(([tag, attrs]) => [tag, Object.keys(attrs)])),
  allowedSchemes: [],
  disallowedTagsMode: 'discard',
  transformTags: {
    '*': (tagName, attribs) => {
      const allowed = MATHML[tagName] ?? {};
      const kept = Object.entries(attribs).filter(([name, value]) => allowed[name]?.test(value));
      return { tagName, attribs: Object.fromEntries(kept) };
    },
  },
};

const KATEX_OPTIONS = {
  output: 'mathml',
  throwOnError: true,
  trust: false,
  // Unicode text (Chinese in \text{}) is fine; no console warnings per note.
  strict: 'ignore',
  maxSize: 50,
  maxExpand: 1000,
} as const;

// --- Code: highlight.js classes only, inside <pre><code> -----------------------

hljs.registerLanguage('julia', julia);
hljs.registerLanguage('latex', latex);
hljs.registerLanguage('matlab', matlab);
hljs.registerLanguage('dockerfile', dockerfile);

const CODE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['pre', 'code', 'span'],
  allowedAttributes: { code: ['class'], span: ['class'] },
  allowedClasses: {
    code: ['hljs', 'language-*'],
    // hljs-<scope>, language-<sublanguage>, and tiered scopes (title.function → "hljs-title function_").
    span: ['hljs-*', 'language-*', 'class_', 'function_', 'language_', 'constant_', 'escape_', 'prompt_', 'dispatch_', 'title_', 'inherited__', 'invoke__'],
  },
  disallowedTagsMode: 'discard',
};

function knownLanguage(lang: string | undefined): string {
  const name = (lang ?? '').match(/^\S*/)![0].toLowerCase();
  return /^[\w+#.-]+$/.test(name) && hljs.getLanguage(name) ? name : '';
}

const highlighter = markedHighlight({
  langPrefix: 'hljs language-',
  emptyLangClass: 'hljs',
  // No auto-detection: unknown languages stay escaped plain text.
  highlight: (code, lang) => {
    const language = knownLanguage(lang);
    if (!language || !rendering().spend('highlight')) return code;
    return hljs.highlight(code, { language, ignoreIllegals: true }).value;
  },
});
const renderCodeBlock = (highlighter.renderer as RendererObject).code as (token: Tokens.Code) => string;

// --- Per-call state: trusted HTML kept out of the user-HTML sanitizer ----------

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// A note has tens of formulas and a few code blocks; a pasted wall of them must
// not cost seconds per write. Past these, math shows as source, code is plain.
const BUDGET = { katex: 300, highlight: 100 };

/**
 * Math and code are rendered to an opaque alphanumeric token; the user's HTML is
 * sanitized with the strict allowlist; then each token that sits in a text node
 * is replaced by its own separately sanitized HTML. So hljs spans and MathML never
 * widen what a user may write, and a token that ended up in an attribute (an image's
 * alt) becomes escaped source instead of markup.
 */
class Rendering {
  private readonly nonce = crypto.randomBytes(6).toString('hex');
  private readonly pattern = new RegExp(`mdfrag${this.nonce}n(\\d+)z`, 'g');
  private readonly html: string[] = [];
  private readonly source: string[] = [];
  private readonly spent = { katex: 0, highlight: 0 };
  // TeX → sanitized MathML ('' when KaTeX rejected it), so repeats cost nothing.
  readonly formulas = new Map<string, string>();

  spend(what: keyof typeof BUDGET): boolean {
    return this.spent[what]++ < BUDGET[what];
  }

  stash(html: string, source: string): string {
    this.html.push(html);
    this.source.push(source);
    return `mdfrag${this.nonce}n${this.html.length - 1}z`;
  }

  inText = (text: string): string => text.replace(this.pattern, (_m, i: string) => this.html[Number(i)]);

  inAttributes = (html: string): string => html.replace(this.pattern, (_m, i: string) => escapeHtml(this.source[Number(i)]));
}

// Rendering is synchronous, so the state of the current call can live here.
let current: Rendering | null = null;

function rendering(): Rendering {
  if (!current) throw new Error('markdown extension used outside renderMarkdown');
  return current;
}

function mathSource(source: string, displayMode: boolean): string {
  // Bad TeX (or anything KaTeX rejects) shows as the source the author typed.
  const code = `<code class="math-error">${escapeHtml(source)}</code>`;
  return displayMode && source.includes('\n') ? `<pre>${code}</pre>` : code;
}

function mathHtml(tex: string, displayMode: boolean, source: string): string {
  const { formulas } = rendering();
  const key = `${displayMode ? 'D' : 'I'}${tex}`;
  let html = formulas.get(key);
  if (html === undefined) {
    if (!rendering().spend('katex')) return mathSource(source, displayMode);
    try {
      html = sanitizeHtml(katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode }), MATHML_OPTIONS);
    } catch {
      html = '';
    }
    formulas.set(key, html);
  }
  return html || mathSource(source, displayMode);
}

// --- Tokenizers --------------------------------------------------------------

interface MathToken extends Tokens.Generic {
  type: 'inlineMath' | 'blockMath';
  raw: string;
  text: string;
  displayMode: boolean;
}

const MAX_INLINE_MATH = 2000;

/**
 * Pandoc's dollar rule: `$` opens only before a non-space, closes only after a
 * non-space and not before a digit, and the first unescaped `$` ends the
 * formula. So "$5 and $10" stays text, "($x$)" and "其中$x$是" are math, and
 * scanning stops at the next `$` (linear in the note's length).
 */
function matchInlineMath(src: string, at: number): MathToken | undefined {
  if (src[at] !== '$') return undefined;
  const displayMode = src[at + 1] === '$';
  const from = at + (displayMode ? 2 : 1);
  if (!displayMode && /^\s|^$/.test(src.slice(from, from + 1))) return undefined;
  const limit = Math.min(src.length, from + MAX_INLINE_MATH);
  for (let i = from; i < limit; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] !== '$') continue;
    const text = src.slice(from, i);
    if (displayMode) {
      if (src[i + 1] !== '$' || !text.trim()) return undefined;
      return { type: 'inlineMath', raw: src.slice(at, i + 2), text: text.trim(), displayMode };
    }
    if (/\s/.test(src[i - 1]) || /\d/.test(src[i + 1] ?? '')) return undefined;
    return { type: 'inlineMath', raw: src.slice(at, i + 1), text, displayMode };
  }
  return undefined;
}

function inlineMath(allowDisplay: boolean): TokenizerAndRendererExtension {
  return {
    name: 'inlineMath',
    level: 'inline',
    start(src) {
      for (let i = src.indexOf('$'); i !== -1; i = src.indexOf('$', i + 1)) {
        if (src[i - 1] === '\\') continue;
        if (matchInlineMath(src, i)) return i;
        if (src[i + 1] === '$') i++;
      }
      return undefined;
    },
    tokenizer: (src) => matchInlineMath(src, 0),
    renderer(token) {
      const displayMode = allowDisplay && (token as MathToken).displayMode;
      return rendering().stash(mathHtml(token.text, displayMode, token.raw), token.raw);
    },
  };
}

// $$ on a line of its own, the formula, $$ on a line of its own.
const BLOCK_MATH = /^ {0,3}\$\$[ \t]*\n([\s\S]+?)\n {0,3}\$\$[ \t]*(?:\n+|$)/;

const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  tokenizer(src) {
    const match = BLOCK_MATH.exec(src);
    if (!match || !match[1].trim()) return undefined;
    return { type: 'blockMath', raw: match[0], text: match[1].trim(), displayMode: true };
  },
  renderer(token) {
    const source = `$$\n${token.text}\n$$`;
    return `${rendering().stash(mathHtml(token.text, true, source), source)}\n`;
  },
};

// Dedicated instances so other code calling marked.use() cannot change our output.
const postMarked = new Marked({ gfm: true, breaks: false }).use({
  extensions: [blockMath, inlineMath(true)],
  walkTokens: highlighter.walkTokens,
  renderer: {
    // marked-highlight's markup, kept out of the user-HTML sanitizer; an unknown
    // fence language (or a hostile info string) never reaches the class attribute.
    code(token) {
      const html = renderCodeBlock({ ...token, lang: knownLanguage(token.lang) });
      // Highlighted: hljs markup, checked. Not highlighted: marked-highlight escaped the text.
      return `${rendering().stash(token.escaped ? sanitizeHtml(html, CODE_OPTIONS) : html, '')}\n`;
    },
  },
});
// Comments are one line of inline markup: inline math only, no code blocks.
const commentMarked = new Marked({ gfm: true, breaks: false }).use({ extensions: [inlineMath(false)] });

/**
 * Render user Markdown to safe HTML (Flasky's markdown + bleach pipeline), with
 * $…$ / $$…$$ math as MathML and highlighted fenced code.
 * Posts allow block markup; comments are inline-only (no <p>, as in Flasky).
 */
export function renderMarkdown(source: string, kind: MarkdownKind): string {
  if (!source || !source.trim()) return '';
  const state = new Rendering();
  current = state;
  try {
    const html =
      kind === 'comment'
        ? commentMarked.parseInline(source, { async: false })
        : postMarked.parse(source, { async: false });
    const clean = sanitizeHtml(html, { ...(kind === 'comment' ? COMMENT_OPTIONS : POST_OPTIONS), textFilter: state.inText });
    return state.inAttributes(clean).trim();
  } finally {
    current = null;
  }
}
