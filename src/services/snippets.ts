import { tokenize } from '../ml/features';
import { plainText } from './notes';

// Search snippets: a window of a note's plain text around the first query term, split
// into parts so templates print them autoescaped and wrap the matches in <mark> themselves.
// The API's HTML form escapes every part first; user text is never marked up unescaped.

export interface SnippetPart {
  text: string;
  mark: boolean;
}

const MAX_TERMS = 20;

/** The query's words as the index sees them (NFKC, lower case, CJK segmented), longest first. */
export function queryTerms(query: string): string[] {
  const terms = [...new Set(tokenize(query))].filter((t) => t.length > 0);
  return terms.sort((a, b) => b.length - a.length).slice(0, MAX_TERMS);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** About `size` characters of the note around the first match of a term, matches marked. */
export function snippet(body: string, terms: readonly string[], size = 220): SnippetPart[] {
  const text = plainText(body, 5_000);
  const pattern = terms.length ? new RegExp(terms.map(escapeRegExp).join('|'), 'giu') : null;
  const first = pattern ? text.search(pattern) : -1;
  let start = first > 60 ? text.indexOf(' ', first - 60) + 1 : 0;
  if (start > first) start = Math.max(0, first - 60);
  if (isLow(text.charCodeAt(start))) start++;
  let end = Math.min(text.length, start + size);
  if (end < text.length && isLow(text.charCodeAt(end))) end++;
  const window = `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  if (!pattern) return window ? [{ text: window, mark: false }] : [];

  const parts: SnippetPart[] = [];
  let at = 0;
  for (const m of window.matchAll(pattern)) {
    if (m.index > at) parts.push({ text: window.slice(at, m.index), mark: false });
    parts.push({ text: m[0], mark: true });
    at = m.index + m[0].length;
  }
  if (at < window.length) parts.push({ text: window.slice(at), mark: false });
  return parts;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The parts as HTML: each escaped, matches wrapped in <mark>. */
export function snippetHtml(parts: readonly SnippetPart[]): string {
  return parts.map((p) => (p.mark ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text))).join('');
}

// --- the query ---

export const QUERY_MAX = 500;

export type QueryResult = { ok: true; q: string } | { ok: false; error: string };

/** A search query from the URL: absent or blank is empty (no results); junk is an error, never a crash. */
export function parseQuery(raw: unknown): QueryResult {
  if (raw === undefined || raw === null) return { ok: true, q: '' };
  if (typeof raw !== 'string') return { ok: false, error: 'Give one search query.' };
  if (raw.length > QUERY_MAX) return { ok: false, error: `A search query can be at most ${QUERY_MAX} characters long.` };
  if (/[\p{Cc}\p{Cs}]/u.test(raw.replace(/\t/g, ' '))) return { ok: false, error: 'A search query cannot contain control characters.' };
  return { ok: true, q: raw.replace(/\s+/g, ' ').trim() };
}

/** The API's search cursor carries the query and the offset of the next page. */
export function encodeSearchCursor(q: string, offset: number): string {
  return Buffer.from(JSON.stringify([q, offset])).toString('base64url');
}

export function decodeSearchCursor(cursor: string): { q: string; offset: number } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [q, offset] = value as unknown[];
    const parsed = parseQuery(q);
    if (!parsed.ok || !Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) > 10_000) return null;
    return { q: parsed.q, offset: offset as number };
  } catch {
    return null;
  }
}
