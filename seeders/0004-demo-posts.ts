import { Comment, Post, User } from '../src/models';
import type { Seeder } from '../src/migrate';

const HOUR = 3_600_000;

// [author, hours ago, Markdown]
const POSTS: [string, number, string][] = [
  ['alice', 70, `## Why my validation loss went up

I trained a small CNN on CIFAR-10 and the validation loss started climbing after epoch 12 while the training loss kept falling. Classic **overfitting**. What helped, in order:

1. data augmentation (random crops and flips)
2. weight decay of \`5e-4\`
3. early stopping on validation accuracy

Dropout helped less than I expected.`],
  ['bob', 52, `Reading notes on *Attention Is All You Need*: the scaled dot-product is

\`\`\`python
scores = q @ k.T / math.sqrt(d_k)
weights = softmax(scores, dim=-1)
out = weights @ v
\`\`\`

The \`sqrt(d_k)\` keeps the softmax out of its flat regions when \`d_k\` is large.`],
  ['moderator', 40, `Welcome to **mlnotes**! Keep notes short and cite your sources. Comments are moderated: be kind.`],
  ['alice', 26, `| optimizer | lr | val acc |
|---|---|---|
| SGD + momentum | 0.1 | 93.1% |
| Adam | 0.001 | 92.4% |
| AdamW | 0.001 | 93.0% |

Same budget, same seed. SGD still wins on this one.`],
  ['admin', 8, `Tip: the **Followed** tab on the home page shows only the people you follow. Follow someone from their profile page.`],
  ['bob', 2, `Cross-validation with a time series? Use a *forward-chaining* split, never a shuffled k-fold: the model must not see the future. See [scikit-learn's TimeSeriesSplit](https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.TimeSeriesSplit.html).`],
];

// [author, index of the post, hours ago, Markdown, disabled by a moderator]
const COMMENTS: [string, number, number, string, boolean?][] = [
  ['bob', 0, 68, 'Did you try **label smoothing**? It helped me on CIFAR.'],
  ['alice', 0, 66, 'Not yet, I will. Thanks!'],
  ['alice', 1, 50, 'The clearest explanation of the scaling factor I have read.'],
  ['bob', 2, 39, 'Buy cheap GPUs at my shop!!!', true],
  ['moderator', 3, 20, 'Nice table. Was the learning rate tuned separately for each?'],
  ['alice', 5, 1, 'Learned this the hard way last year.'],
];

// Development only, on a database with no posts yet: a few notes and comments
// by the demo users of 0003-demo-users, so a first `npm start` shows a lively
// site. No follows: following someone is left for the person trying the site
// (and the browser suite does it).
export const up: Seeder = async ({ context: { config, report } }) => {
  if (config.profile !== 'development' || (await Post.count()) > 0) return;
  const users = new Map<string, User>();
  for (const name of ['admin', 'moderator', 'alice', 'bob']) {
    const user = await User.findOne({ where: { email: `${name}@example.com` } });
    if (user) users.set(name, user);
  }
  if (users.size < 4) return;
  const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * HOUR);

  const posts: Post[] = [];
  for (const [author, hoursAgo, body] of POSTS) {
    posts.push(await Post.create({ body, authorId: users.get(author)!.id, timestamp: at(hoursAgo) }));
  }
  for (const [author, post, hoursAgo, body, disabled] of COMMENTS) {
    await Comment.create({ body, authorId: users.get(author)!.id, postId: posts[post].id, timestamp: at(hoursAgo), disabled: disabled ?? null });
  }
  report(`Demo posts: ${POSTS.length} notes and ${COMMENTS.length} comments by the demo accounts.`);
};
