import { NoteIndex, type NoteText } from '../src/ml/similarity-index';
import { TfidfModel, noteTermFrequencies } from '../src/ml/tfidf';

const NOTES: [number, NoteText][] = [
  [1, { title: 'Adam', tags: ['optimization'], text: 'Adam keeps running averages of the gradient and of its square, with bias correction, and scales the learning rate per parameter.' }],
  [2, { title: 'Momentum and Nesterov', tags: ['optimization'], text: 'Momentum accumulates a velocity from past gradients; Nesterov evaluates the gradient at the look-ahead point. Both speed up SGD along consistent directions of the gradient.' }],
  [3, { title: 'RMSprop', tags: ['optimization'], text: 'RMSprop divides the learning rate by a running average of the squared gradient, like Adagrad but forgetting old gradients.' }],
  [4, { title: 'ResNet', tags: ['cnn'], text: 'Residual networks learn a residual function with identity shortcut connections, so very deep convolutional networks train well.' }],
  [5, { title: 'VGG', tags: ['cnn'], text: 'VGG stacks small 3x3 convolutions: two stacked 3x3 convolutional layers see a 5x5 receptive field with fewer parameters.' }],
  [6, { title: 'Inception', tags: ['cnn'], text: 'Inception modules run 1x1, 3x3 and 5x5 convolutions in parallel; 1x1 convolutions reduce the channels first.' }],
  [7, { title: 'Locality-sensitive hashing', tags: ['retrieval'], text: 'Random hyperplane hashing maps vectors to binary codes; the Hamming distance between codes estimates the angle between vectors.' }],
  [8, { title: 'Image retrieval', tags: ['retrieval'], text: 'Content-based image retrieval compares binary hash codes of images by Hamming distance, then re-ranks by exact distance.' }],
  [9, { title: '卷积神经网络', tags: ['深度学习'], text: '卷积神经网络使用卷积层和池化层提取图像特征。卷积核在图像上滑动。' }],
  [10, { title: '循环神经网络', tags: ['深度学习'], text: '循环神经网络处理序列数据，长短期记忆网络用门控机制缓解梯度消失。' }],
];

function build(options = {}): NoteIndex {
  const index = new NoteIndex(options);
  index.load(NOTES);
  return index;
}

const ids = (r: { id: number }[]) => r.map((n) => n.id);

describe('NoteIndex: related notes and search', () => {
  it('gives identical texts the same code and a cosine of 1', () => {
    const index = build();
    index.set(100, NOTES[0][1]);
    expect(index.index.code(100)).toEqual(index.index.code(1));
    expect(index.related(1, 1)[0]).toEqual({ id: 100, score: expect.closeTo(1, 5) });
  });

  it('relates notes on the same topic, never the note itself', () => {
    const index = build();
    expect(ids(index.related(1, 2)).sort()).toEqual([2, 3]);
    expect(ids(index.related(5, 2)).sort()).toEqual([4, 6]);
    expect(ids(index.related(8, 1))).toEqual([7]);
    expect(ids(index.related(1, 50))).toHaveLength(NOTES.length - 1);
    expect(ids(index.related(1, 50))).not.toContain(1);
    expect(index.related(999, 5)).toEqual([]);
  });

  it('searches by free text, in Chinese too, and answers empty or junk queries with nothing', () => {
    const index = build();
    expect(ids(index.search('learning rate of the gradient', 3)).sort()).toEqual([1, 2, 3]);
    expect(ids(index.search('hamming distance of binary codes', 2)).sort()).toEqual([7, 8]);
    expect(index.search('卷积', 1)[0].id).toBe(9);
    expect(index.search('门控', 1)[0].id).toBe(10);
    expect(index.search('', 5)).toEqual([]);
    expect(index.search('!!! ??? ...', 5)).toEqual([]);
    expect(index.search(undefined as unknown as string, 5)).toEqual([]);
  });

  it('reflects edits and deletes', () => {
    const index = build();
    index.set(7, { title: 'Dropout', text: 'Adam and RMSprop scale the learning rate from the squared gradient running average.' });
    expect(ids(index.related(8, 1))).not.toEqual([7]);
    expect(ids(index.related(3, 3))).toContain(7);
    expect(index.delete(7)).toBe(true);
    expect(index.delete(7)).toBe(false);
    expect(ids(index.related(3, 20))).not.toContain(7);
    expect(ids(index.search('squared gradient', 20))).not.toContain(7);
    expect(index.size).toBe(NOTES.length - 1);
  });

  it('never returns notes the filter hides, from related or search', () => {
    const index = build();
    const hidden = new Set([2, 3, 8]);
    const visible = (id: number) => !hidden.has(id);
    for (const r of [index.related(1, 20, visible), index.search('gradient hashing codes', 20, visible)]) {
      for (const id of ids(r)) expect(hidden.has(id)).toBe(false);
    }
    expect(index.related(1, 20, visible)).toHaveLength(NOTES.length - 1 - hidden.size);
  });

  it('answers from the strongest terms past exactMax, finding the same topical neighbours', () => {
    const pruned = build({ lsh: { exactMax: 5 } });
    const exact = build();
    expect(pruned.index.strategy()).toBe('terms');
    expect(exact.index.strategy()).toBe('exact');
    expect(pruned.index.pendingCodes).toBe(NOTES.length); // no codes built for a note index
    for (const [id] of NOTES) {
      const [best] = exact.related(id, 1);
      expect(pruned.related(id, 1)).toEqual([{ id: best.id, score: expect.closeTo(best.score, 6) }]);
    }
    expect(ids(pruned.related(1, 2)).sort()).toEqual([2, 3]);
    expect(ids(pruned.related(5, 2)).sort()).toEqual([4, 6]);
    expect(ids(pruned.search('learning rate of the gradient', 3)).sort()).toEqual([1, 2, 3]);
  });

  it('counts the title and tags', () => {
    const tf = noteTermFrequencies({ title: 'Nesterov', tags: ['optimizers'], text: 'momentum' });
    const weightOf = (word: string) => {
      const alone = noteTermFrequencies({ text: word });
      return tf.values[tf.indices.indexOf(alone.indices[0])] / alone.values[0];
    };
    expect(tf.indices).toHaveLength(3);
    expect(weightOf('nesterov')).toBe(2);
    expect(weightOf('optimizers')).toBe(2);
    expect(weightOf('momentum')).toBe(1);
  });
});

describe('TF-IDF weights', () => {
  it('keeps document frequencies as notes come and go', () => {
    const model = new TfidfModel();
    const a = noteTermFrequencies({ text: 'gradient descent' });
    const b = noteTermFrequencies({ text: 'gradient boosting' });
    model.addDocument(a);
    model.addDocument(b);
    const gradient = noteTermFrequencies({ text: 'gradient' }).indices[0];
    const boosting = noteTermFrequencies({ text: 'boosting' }).indices[0];
    expect(model.documents).toBe(2);
    expect(model.idf(gradient)).toBeCloseTo(1, 10); // in every document
    expect(model.idf(boosting)).toBeCloseTo(Math.log(3 / 2) + 1, 10);
    model.removeDocument(b);
    expect(model.documents).toBe(1);
    expect(model.idf(boosting)).toBeCloseTo(Math.log(2) + 1, 10);
    const w = model.weigh(a);
    expect(Math.hypot(...w.values)).toBeCloseTo(1, 6);
  });

  it('keeps only the strongest terms when asked to', () => {
    const model = new TfidfModel();
    const tf = { indices: Uint32Array.of(3, 7, 9), values: Float32Array.of(1, -3, 2) };
    const w = model.weigh(tf, 2);
    expect(Array.from(w.indices)).toEqual([7, 9]);
    expect(w.values[0]).toBeCloseTo(-3 / Math.hypot(3, 2), 6);
    expect(model.weigh(tf, 5).indices).toHaveLength(3);
    const ties = model.weigh({ indices: Uint32Array.of(1, 2, 3), values: Float32Array.of(1, 1, 1) }, 2);
    expect(Array.from(ties.indices)).toEqual([1, 2]);
  });

  it('re-weights stale notes a few per write until none is stale', () => {
    const index = new NoteIndex({ refreshPerWrite: 2 });
    NOTES.forEach(([id, note]) => index.set(id, note)); // the corpus grows 10× while being written
    expect(index.staleCount()).toBeGreaterThan(0);
    for (let i = 0; i < NOTES.length && index.staleCount() > 0; i++) index.set(NOTES[i][0], NOTES[i][1]);
    expect(index.staleCount()).toBe(0);
    const loaded = build();
    for (const [id] of NOTES) {
      expect(index.index.vector(id)!.values).toEqual(loaded.index.vector(id)!.values);
      expect(index.index.code(id)).toEqual(loaded.index.code(id));
      expect(index.related(id, 5)).toEqual(loaded.related(id, 5)); // scored from the posting lists
    }
  });
});
