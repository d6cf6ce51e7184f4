/**
 * The iteration order of CPython's `list(set(seq))` for tuples of small non-negative ints (CPython
 * 3.8–3.12: xxHash-style tuple hash; open addressing with 9 linear probes, then perturbed probing;
 * growth past 4 × used when the table is 3/5 full). The reference's POMDPSimple returns its candidate
 * policies in this order, and the first candidate of maximal train lift wins, so replaying the order
 * makes exact ties resolve as the reference's do (checked against the parity fixture).
 */
const MASK64 = (1n << 64n) - 1n;
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;
const LINEAR_PROBES = 9n;
const PERTURB_SHIFT = 5n;
const MIN_SIZE = 8;

/** `hash(tuple)` as an unsigned 64-bit value; a small non-negative int hashes to itself. */
function tupleHash(tuple: readonly number[]): bigint {
  let acc = XXPRIME_5;
  for (const item of tuple) {
    acc = (acc + BigInt(item) * XXPRIME_2) & MASK64;
    acc = ((acc << 31n) | (acc >> 33n)) & MASK64;
    acc = (acc * XXPRIME_1) & MASK64;
  }
  acc = (acc + (BigInt(tuple.length) ^ (XXPRIME_5 ^ 3527539n))) & MASK64;
  // −1 is reserved for errors in CPython.
  return acc === MASK64 ? 1546275796n : acc;
}

interface Slot<T> {
  readonly key: T;
  readonly hash: bigint;
}

/** setobject.c `set_insert_clean`: the first free slot of the key's probe sequence. */
function insertClean<T>(table: (Slot<T> | null)[], slot: Slot<T>): void {
  const mask = BigInt(table.length - 1);
  let perturb = slot.hash;
  let i = slot.hash & mask;
  for (;;) {
    const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0n;
    for (let j = 0n; j <= probes; j++) {
      if (table[Number(i + j)] === null) {
        table[Number(i + j)] = slot;
        return;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5n + 1n + perturb) & mask;
  }
}

/** The distinct tuples of `seq` in the order `list(set(seq))` lists them. */
export function pythonSetOrder<T extends readonly number[]>(seq: Iterable<T>): T[] {
  let table: (Slot<T> | null)[] = new Array<Slot<T> | null>(MIN_SIZE).fill(null);
  const seen = new Set<string>();
  for (const key of seq) {
    const id = key.join(',');
    // A key already present leaves the table as it is; no key is ever removed, so no dummies.
    if (seen.has(id)) continue;
    seen.add(id);
    insertClean(table, { key, hash: tupleHash(key) });
    const used = seen.size;
    if (used * 5 >= (table.length - 1) * 3) {
      const minUsed = used > 50000 ? used * 2 : used * 4;
      let size = MIN_SIZE;
      while (size <= minUsed) size *= 2;
      const old = table;
      table = new Array<Slot<T> | null>(size).fill(null);
      for (const slot of old) if (slot !== null) insertClean(table, slot);
    }
  }
  return table.filter((s): s is Slot<T> => s !== null).map((s) => s.key);
}
