// Fixed-width bit sets over the dense variable indices of one function or
// process: the flow analyses copy and intersect a set at every branch, so
// these are flat words rather than Set objects.

export type Bits = Int32Array;

export function wordsFor(count: number): number {
  return Math.max(1, (count + 31) >>> 5);
}

export function emptyBits(words: number): Bits {
  return new Int32Array(words);
}

export function fullBits(words: number): Bits {
  return new Int32Array(words).fill(-1);
}

export function copyBits(a: Bits): Bits {
  return a.slice();
}

export function hasBit(a: Bits, i: number): boolean {
  return ((a[i >>> 5]! >>> (i & 31)) & 1) !== 0;
}

export function setBit(a: Bits, i: number): void {
  a[i >>> 5]! |= 1 << (i & 31);
}

export function clearBit(a: Bits, i: number): void {
  a[i >>> 5]! &= ~(1 << (i & 31));
}

/** a := a ∩ b. */
export function andInto(a: Bits, b: Bits): void {
  for (let k = 0; k < a.length; k++) a[k]! &= b[k]!;
}

/** a := a ∪ b. */
export function orInto(a: Bits, b: Bits): void {
  for (let k = 0; k < a.length; k++) a[k]! |= b[k]!;
}

/** a := a \ b. */
export function andNotInto(a: Bits, b: Bits): void {
  for (let k = 0; k < a.length; k++) a[k]! &= ~b[k]!;
}

export function isEmpty(a: Bits): boolean {
  for (let k = 0; k < a.length; k++) if (a[k] !== 0) return false;
  return true;
}

/** Calls f for every index in a, ascending. */
export function forEachBit(a: Bits, f: (i: number) => void): void {
  for (let k = 0; k < a.length; k++) {
    let w = a[k]!;
    while (w !== 0) {
      const low = w & -w;
      f((k << 5) + (31 - Math.clz32(low)));
      w ^= low;
    }
  }
}

/**
 * Meet of two states where null means "unreachable" (the neutral element):
 * the result may be `a`, modified in place.
 */
export function meet(a: Bits | null, b: Bits | null): Bits | null {
  if (a === null) return b;
  if (b === null) return a;
  andInto(a, b);
  return a;
}
