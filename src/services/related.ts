import type { Logger } from 'pino';
import { Op, QueryTypes } from 'sequelize';
import { NoteIndex, type NoteText } from '../ml/similarity-index';
import { Post } from '../models';
import { onNoteChange, tagsOf, type NoteChange } from './notes';
import { findPostItems, type PostItem } from './posts';
import { hiddenClassIds, type Viewer } from './visibility';

// Related notes and search, per process: an in-memory NoteIndex (hashed TF-IDF of title,
// tags and text in posting lists; src/ml/similarity-index.ts) over every note, with each note's
// class so results can leave out private classes the reader is not in.
//
// Built from the database on first use, then kept current:
// - this process's own writes arrive as change events (Post hooks and tag changes,
//   after commit, services/notes.ts) and are read back from the database before the
//   next query answers, so a writer always sees its own note;
// - other processes' writes (cluster workers, the CLI, bulk inserts that skip hooks) are
//   picked up by a resync every `resyncMs` (30 s): notes with a larger id or a newer
//   updated_at than the last sync, and deletions when the note count differs.

export interface RelatedOptions {
  log?: Logger;
  /** How often other processes' writes are picked up (ms); 0 disables the timer. */
  resyncMs?: number;
}

export interface Hit {
  /** With its author, tags and comment count. */
  post: PostItem;
  score: number;
}

/** Search results are ranked among the best MAX_RESULTS; `count` never exceeds it. */
export const MAX_RESULTS = 200;
const BATCH = 2_000;
// Indexing costs about a millisecond a note: a large build or resync yields to the event
// loop every STEP notes, so pages keep being served while it runs.
const STEP = 100;
const FIRST_LOAD = 500;
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));
// Overlap between resyncs, for clocks that disagree a little between machines.
const CLOCK_MARGIN_MS = 60_000;

type Row = { id: number; title: string | null; body: string; class_id: number | null };

export class RelatedNotes {
  private readonly index = new NoteIndex();
  /** Class of each note filed into one (notes outside classes are absent). */
  private readonly classOf = new Map<number, number>();
  private built?: Promise<void>;
  private ready = false;
  private readonly pending = new Set<number>();
  private dirty = false;
  private work: Promise<void> = Promise.resolve();
  private maxId = 0;
  private lastSync = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: RelatedOptions = {}) {
    this.unsubscribe = onNoteChange((change) => this.changed(change));
  }

  get size(): number {
    return this.index.size;
  }

  /** Builds the index now (it is built on first use otherwise). */
  warm(): Promise<void> {
    return this.current();
  }

  /**
   * For pages: related notes once the index is built, else none (the build starts in the
   * background, so the first visitors of a large site do not wait for it).
   */
  async relatedIfReady(postId: number, viewer: Viewer, k: number): Promise<Hit[]> {
    if (this.ready) return this.related(postId, viewer, k);
    this.current().catch((err: unknown) => this.options.log?.warn({ err }, 'related notes: build failed'));
    return [];
  }

  /** The k notes most like this one that the viewer may read (never itself). */
  async related(postId: number, viewer: Viewer, k: number): Promise<Hit[]> {
    await this.current();
    // A note another process wrote since the last resync: read it now.
    if (!this.index.has(postId)) await this.serially(() => this.apply([postId]));
    const hidden = new Set(await hiddenClassIds(viewer));
    return this.load(this.index.related(postId, k, this.filterFor(hidden)).filter((n) => n.score > 0), hidden);
  }

  /** Notes ranked by similarity to the query; `offset`/`limit` page through the best MAX_RESULTS. */
  async search(query: string, viewer: Viewer, offset: number, limit: number): Promise<{ hits: Hit[]; count: number }> {
    await this.current();
    const hidden = new Set(await hiddenClassIds(viewer));
    const found = this.index.search(query, MAX_RESULTS, this.filterFor(hidden)).filter((n) => n.score > 0);
    return { hits: await this.load(found.slice(offset, offset + limit), hidden), count: found.length };
  }

  /** Picks up every note written elsewhere since the last sync (the timer calls this). */
  async resync(): Promise<void> {
    if (!this.ready) return;
    this.dirty = true;
    await this.current();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
  }

  private changed(change: NoteChange): void {
    if (!this.built) return; // not built yet: the build will read everything
    if (change.id === null) this.dirty = true;
    else this.pending.add(change.id);
  }

  /** Built, with every write announced so far applied. */
  private async current(): Promise<void> {
    this.built ??= this.build().catch((err: unknown) => {
      this.built = undefined;
      throw err;
    });
    await this.built;
    if (this.pending.size || this.dirty) await this.serially(() => this.flush());
  }

  private serially(task: () => Promise<void>): Promise<void> {
    const run = this.work.then(task, task);
    this.work = run.catch(() => {});
    return run;
  }

  private async build(): Promise<void> {
    const started = Date.now();
    // The first notes are loaded at once (their idf exact), the rest added in steps; the
    // index's rolling refresh brings the early vectors up to the final idf as notes are written.
    let count = 0;
    for (let after = 0; ; ) {
      if (this.closed) throw new Error('related notes: closed');
      const rows = await this.rows('p.id > :after ORDER BY p.id LIMIT :limit', { after, limit: BATCH });
      if (rows.length === 0) break;
      const tags = await tagsOf(rows.map((r) => r.id));
      const notes = rows.map((row): [number, NoteText] => [row.id, this.remember(row, tags.get(row.id))]);
      if (count === 0) this.index.load(notes.splice(0, FIRST_LOAD));
      await this.setAll(notes);
      count += rows.length;
      after = rows[rows.length - 1].id;
    }
    this.lastSync = started;
    this.ready = true;
    const every = this.options.resyncMs ?? 30_000;
    if (every > 0 && !this.closed) {
      this.timer = setInterval(() => void this.resync().catch((err: unknown) => this.options.log?.warn({ err }, 'related notes: resync failed')), every);
      this.timer.unref();
    }
    this.options.log?.info({ notes: count, ms: Date.now() - started }, 'related notes: index built');
  }

  private async flush(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      const started = Date.now();
      const since = new Date(this.lastSync - CLOCK_MARGIN_MS);
      const changed = await Post.findAll({
        attributes: ['id'],
        where: { [Op.or]: [{ id: { [Op.gt]: this.maxId } }, { updatedAt: { [Op.gt]: since } }] },
        raw: true,
      });
      for (const { id } of changed) this.pending.add(Number(id));
      await this.apply([...this.pending]);
      await this.dropDeleted();
      this.lastSync = started;
    }
    if (this.pending.size) await this.apply([...this.pending]);
  }

  /** Reads these notes back from the database: present ones are (re)indexed, missing ones removed. */
  private async apply(ids: number[]): Promise<void> {
    for (const id of ids) this.pending.delete(id);
    try {
      for (let i = 0; i < ids.length; i += BATCH) {
        const slice = ids.slice(i, i + BATCH);
        const rows = await this.rows('p.id IN (:ids)', { ids: slice });
        const tags = await tagsOf(rows.map((r) => r.id));
        const found = new Set(rows.map((r) => r.id));
        await this.setAll(rows.map((row): [number, NoteText] => [row.id, this.remember(row, tags.get(row.id))]));
        for (const id of slice) if (!found.has(id)) this.forget(id);
      }
    } catch (err) {
      for (const id of ids) this.pending.add(id);
      throw err;
    }
  }

  /** Deletions this process did not see: only when the counts disagree, compare the ids. */
  private async dropDeleted(): Promise<void> {
    const [{ n }] = await Post.sequelize!.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM posts', { type: QueryTypes.SELECT });
    if (Number(n) === this.index.size) return;
    const live = new Set((await Post.findAll({ attributes: ['id'], raw: true })).map((r) => Number(r.id)));
    const gone = [...this.indexedIds()].filter((id) => !live.has(id));
    for (const id of gone) this.forget(id);
    const missing = [...live].filter((id) => !this.index.has(id));
    if (missing.length) await this.apply(missing);
  }

  private async setAll(notes: [number, NoteText][]): Promise<void> {
    for (let i = 0; i < notes.length; i++) {
      this.index.set(notes[i][0], notes[i][1]);
      if ((i + 1) % STEP === 0 && i + 1 < notes.length) await breathe();
    }
  }

  private *indexedIds(): Iterable<number> {
    // NoteIndex keeps no id list of its own we can walk; every indexed id is ≤ maxId.
    for (let id = 1; id <= this.maxId; id++) if (this.index.has(id)) yield id;
  }

  private async rows(where: string, replacements: Record<string, unknown>): Promise<Row[]> {
    const rows = await Post.sequelize!.query<Row>(`SELECT p.id, p.title, p.body, p.class_id FROM posts p WHERE ${where}`, {
      type: QueryTypes.SELECT,
      replacements,
    });
    return rows.map((r) => ({ id: Number(r.id), title: r.title, body: String(r.body), class_id: r.class_id == null ? null : Number(r.class_id) }));
  }

  private remember(row: Row, tags: string[] | undefined): NoteText {
    if (row.class_id === null) this.classOf.delete(row.id);
    else this.classOf.set(row.id, row.class_id);
    this.maxId = Math.max(this.maxId, row.id);
    return { title: row.title, tags: tags ?? [], text: row.body };
  }

  private forget(id: number): void {
    this.index.delete(id);
    this.classOf.delete(id);
  }

  /** Lets through the notes outside the hidden (private, viewer not in them) classes. */
  private filterFor(hidden: Set<number>): ((id: number) => boolean) | undefined {
    if (hidden.size === 0) return undefined;
    return (id) => {
      const klass = this.classOf.get(id);
      return klass === undefined || !hidden.has(klass);
    };
  }

  /** The posts behind the hits, in rank order, with authors and tags; checked against visibility once more. */
  private async load(neighbors: { id: number; score: number }[], hidden: Set<number>): Promise<Hit[]> {
    if (neighbors.length === 0) return [];
    // Plain rows, as the listings read them: model instances cost more than the rest of the post page.
    const posts = await findPostItems(neighbors.map((n) => n.id));
    const byId = new Map(posts.map((p) => [p.id, p]));
    return neighbors
      .map((n) => ({ post: byId.get(n.id)!, score: n.score }))
      .filter((hit) => hit.post && (hit.post.classId == null || !hidden.has(hit.post.classId)));
  }
}
