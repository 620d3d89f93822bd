// A large corpus of real-text notes from the SpamAssassin e-mails that ship in npm: each note is a
// run of consecutive paragraphs of one e-mail (its subject is the title) plus 0–2 paragraphs of
// other e-mails, so notes share topics the way a big site's notes would (many variations on the
// same themes, and unrelated asides), and the vocabulary and document frequencies are real text's.
// Seeded: the same e-mails, count and seed give the same notes. Every note is distinct.
import { createHash } from 'node:crypto';
import { splitmix32 } from '../../src/ml/lsh-hash';
import type { NoteText } from '../../src/ml/tfidf';

export interface SourceEmail {
  subject: string;
  body: string;
}

export interface RecombineOptions {
  seed: number;
  /** Most paragraphs of other e-mails appended to a note. */
  maxAsides: number;
  /** Most consecutive paragraphs taken from the main e-mail. */
  maxRun: number;
}

export const RECOMBINE_DEFAULTS: RecombineOptions = { seed: 20261126, maxAsides: 2, maxRun: 8 };

/** Non-empty paragraphs (blank-line separated) with at least a few letters. */
export function paragraphs(body: string): string[] {
  return body
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => /\p{L}{2,}/u.test(p));
}

export function recombinedNotes(emails: readonly SourceEmail[], count: number, options: Partial<RecombineOptions> = {}): NoteText[] {
  const o = { ...RECOMBINE_DEFAULTS, ...options };
  const next = splitmix32(o.seed);
  const below = (n: number) => next() % n;
  const sources = emails.map((e) => ({ title: e.subject, paras: paragraphs(e.body) })).filter((e) => e.paras.length > 0);
  if (sources.length === 0) throw new Error('no e-mail has a paragraph of text');
  const seen = new Set<string>();
  const notes: NoteText[] = [];
  for (let attempts = 0; notes.length < count; attempts++) {
    if (attempts > count * 20) throw new Error(`only ${notes.length} distinct notes from ${sources.length} e-mails`);
    const main = sources[below(sources.length)];
    const run = 1 + below(Math.min(o.maxRun, main.paras.length));
    const start = below(main.paras.length - run + 1);
    const parts = main.paras.slice(start, start + run);
    for (let a = below(o.maxAsides + 1); a > 0; a--) {
      const other = sources[below(sources.length)];
      parts.splice(1 + below(parts.length), 0, other.paras[below(other.paras.length)]);
    }
    const text = parts.join('\n\n');
    const key = createHash('sha1').update(main.title).update('\u0000').update(text).digest('base64');
    if (seen.has(key)) continue;
    seen.add(key);
    notes.push({ title: main.title || null, text });
  }
  return notes;
}
