/**
 * NumPy's legacy `RandomState` (MT19937), only as far as needed to replay the references' row
 * sampling exactly: pandas' `df.sample(n, random_state=seed)` takes the rows at
 * `RandomState(seed).permutation(len(df))[:n]`, in that order (Smoothie's make_dataset, AutoMix's
 * per-seed training rows). Everything else random in this library uses `Rng`.
 */
import { InvalidParameterError } from '../errors/index.js';

const N = 624;
const M = 397;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  /** `numpy.random.RandomState(seed)` for an integer seed in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InvalidParameterError('seed', `must be an integer in [0, 2^32), got ${seed}`);
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.mt[i] = s;
      s = (Math.imul(1812433253, (s ^ (s >>> 30)) >>> 0) + i + 1) >>> 0;
    }
  }

  /** Next 32-bit output (tempered MT19937). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    return (y ^ (y >>> 18)) >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
      mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** Uniform integer in [0, max] by masked rejection, as NumPy's legacy `random_interval`. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new Error('NumpyRandomState.interval: max above 2^32 - 1 is not supported');
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
  }

  /** `RandomState.permutation(n)`: arange(n) shuffled from the end (legacy Fisher–Yates). */
  permutation(n: number): number[] {
    const out = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

/** Row positions pandas' `sample(n=size, random_state=seed)` takes from `nRows` rows, in its order. */
export function pandasSamplePositions(nRows: number, size: number, seed: number): number[] {
  if (size > nRows) throw new Error(`pandasSamplePositions: cannot take ${size} of ${nRows} rows without replacement`);
  return new NumpyRandomState(seed).permutation(nRows).slice(0, size);
}
