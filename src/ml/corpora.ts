// Public labelled corpora a moderation model can start from before a site has labels of its own.
import type { LabelledText } from './moderation';
import { loadSpamAssassinDocs } from './spamassassin';

export const CORPORA = ['spamassassin'] as const;
export type CorpusName = (typeof CORPORA)[number];

export function isCorpus(name: string): name is CorpusName {
  return (CORPORA as readonly string[]).includes(name);
}

/** The corpus's documents as training examples (1 = unwanted). */
export async function loadCorpus(name: CorpusName): Promise<LabelledText[]> {
  switch (name) {
    case 'spamassassin':
      return (await loadSpamAssassinDocs()).map(({ text, label }) => ({ text, label }));
  }
}
