// The LSH codes of an index's slots and the band tables keyed by them, built lazily. An index that
// answers exactly (small corpora, and notes, which are scored from posting lists) never reads a
// code, yet SimHash was 15–25 % of the cost of a note write. So a slot set while the index's own
// strategy needs no codes is only marked pending; the first query that needs codes (a scan, the
// tables, a forced strategy, or a caller asking for a code) codes every pending slot at once, and
// once the strategy itself needs codes the index codes each write eagerly again.
import { grown } from './lsh-arena';
import { packSigns } from './lsh-hash';
import { BandTables } from './lsh-tables';

const NONE = 0;
const CODED = 1;
const PENDING = 2;

export class SlotCodes {
  readonly words: number;
  codes: Uint32Array;
  readonly tables: BandTables;
  private state: Uint8Array;
  private pendingCount = 0;
  private readonly proj: Float64Array;

  constructor(
    private readonly bits: number,
    tables: number,
    bandBits: number,
    capacity: number,
    /** Projections of a stored slot onto the hyperplanes. */
    private readonly project: (slot: number, out: Float64Array) => void,
  ) {
    this.words = bits >>> 5;
    this.codes = new Uint32Array(capacity * this.words);
    this.state = new Uint8Array(capacity);
    this.tables = new BandTables(tables, bandBits, capacity);
    this.proj = new Float64Array(bits);
  }

  /** Slots set but not coded yet. */
  get pending(): number {
    return this.pendingCount;
  }

  isCoded(slot: number): boolean {
    return this.state[slot] === CODED;
  }

  /** Codes slot (its vector is stored) and enters it in the tables. */
  encode(slot: number): void {
    this.project(slot, this.proj);
    packSigns(this.proj, this.bits, this.codes, slot * this.words);
    this.tables.insert(slot, this.codes, slot * this.words);
    this.state[slot] = CODED;
  }

  /** Leaves slot (its vector is stored) to be coded when a query first needs codes. */
  defer(slot: number): void {
    this.state[slot] = PENDING;
    this.pendingCount++;
  }

  /** Forgets slot's code, before its vector changes or the slot is freed. */
  drop(slot: number): void {
    if (this.state[slot] === CODED) this.tables.remove(slot, this.codes, slot * this.words);
    else if (this.state[slot] === PENDING) this.pendingCount--;
    this.state[slot] = NONE;
  }

  /** Codes every pending slot below upTo (all of them: slots at or past the high-water mark are free). */
  flush(upTo: number): void {
    if (this.pendingCount === 0) return;
    for (let s = 0; s < upTo; s++) if (this.state[s] === PENDING) this.encode(s);
    this.pendingCount = 0;
  }

  grow(capacity: number): void {
    this.codes = grown(this.codes, capacity * this.words);
    this.state = grown(this.state, capacity);
    this.tables.grow(capacity);
  }

  memoryBytes(): number {
    return this.codes.byteLength + this.state.byteLength + this.tables.memoryBytes();
  }
}
