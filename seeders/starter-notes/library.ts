import fs from 'node:fs';
import path from 'node:path';
import { parseTags } from '../../src/services/notes';

// The starter notes: one Markdown file per note (NN-slug.md, listed in file-name order),
// each opening with a small front matter:
//
//   ---
//   title: Adam and friends: the optimizers, with their update rules
//   tags: optimization, deep-learning, sgd
//   ---
//
// Not YAML: every line is `key: value`, split at the first ": ", so titles may hold colons.

export interface StarterNote {
  file: string;
  title: string;
  tags: string[];
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/;

/** One note file's text → its note; throws with the file name when the front matter is wrong. */
export function parseStarterNote(file: string, text: string): StarterNote {
  const match = FRONT_MATTER.exec(text.replace(/^\uFEFF/, ''));
  if (!match) throw new Error(`${file}: no front matter`);
  const fields = new Map<string, string>();
  for (const line of match[1].split(/\r?\n/)) {
    if (!line.trim()) continue;
    const colon = line.indexOf(': ');
    if (colon < 1) throw new Error(`${file}: front matter line "${line}" is not "key: value"`);
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 2).trim());
  }
  const title = fields.get('title');
  if (!title) throw new Error(`${file}: no title`);
  const tags = parseTags(fields.get('tags') ?? '');
  if (!tags.ok) throw new Error(`${file}: ${tags.error}`);
  const body = match[2].trim();
  if (!body) throw new Error(`${file}: empty body`);
  return { file, title, tags: tags.tags, body: `${body}\n` };
}

// Run from source (tsx, Jest) the .md files sit beside this module; compiled, this module is
// in dist/seeders/starter-notes while the .md files stay in the source tree.
const CANDIDATE_DIRS = [__dirname, path.join(__dirname, '..', '..', '..', 'seeders', 'starter-notes')];

export function starterNotesDir(): string {
  const dir = CANDIDATE_DIRS.find((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.endsWith('.md')));
  if (!dir) throw new Error(`starter notes not found in ${CANDIDATE_DIRS.join(' or ')}`);
  return dir;
}

/** Every starter note, in file-name order (the order they are meant to be read in). */
export function loadStarterNotes(dir = starterNotesDir()): StarterNote[] {
  return fs
    .readdirSync(dir)
    .filter((file) => /^\d+-[\w-]+\.md$/.test(file))
    .sort()
    .map((file) => parseStarterNote(file, fs.readFileSync(path.join(dir, file), 'utf8')));
}
