import { Comment, CommentLabel, Post, User } from '../src/models';

// Small synthetic comments for the moderation-model tests: unwanted ones drawn from a spam
// vocabulary, fine ones from a machine-learning one, both with a few shared words, so a
// handful of epochs on a few dozen labels separates them.

const UNWANTED_WORDS = ['cheap', 'pills', 'casino', 'bonus', 'click', 'winner', 'free', 'money', 'discount', 'crypto', 'giveaway', 'offer'];
const FINE_WORDS = ['gradient', 'descent', 'momentum', 'convergence', 'thanks', 'proof', 'learning', 'rate', 'loss', 'layer', 'question', 'example'];
const SHARED = ['the', 'this', 'is', 'really', 'about', 'here'];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function sentence(label: 0 | 1, rand: () => number): string {
  const words = label === 1 ? UNWANTED_WORDS : FINE_WORDS;
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)];
  return [pick(SHARED), pick(words), pick(words), pick(SHARED), pick(words), pick(words), pick(words)].join(' ');
}

/** n examples, alternating unwanted and fine, the same for the same seed. */
export function synthetic(n: number, seed = 1): { text: string; label: 0 | 1 }[] {
  const rand = lcg(seed);
  return Array.from({ length: n }, (_, i) => {
    const label = (i % 2 === 0 ? 1 : 0) as 0 | 1;
    return { text: `${sentence(label, rand)} ${i}`, label };
  });
}

/** Creates the comments and records each label as the moderator's decision. */
export async function labelled(examples: { text: string; label: 0 | 1 }[], post: Post, author: User, moderator: User): Promise<Comment[]> {
  const comments: Comment[] = [];
  for (const e of examples) {
    const comment = await Comment.create({ body: e.text, postId: post.id, authorId: author.id });
    await CommentLabel.record(comment, moderator.id, e.label);
    comments.push(comment);
  }
  return comments;
}

/** Waits until check() returns something, or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
