import { ndarray, type NdArray } from '../compute/ndarray.js';
import { Rng } from '../compute/rng.js';

/**
 * Inputs with the structure of sentence embeddings: 50 topics on a 16-dimensional latent space,
 * linearly embedded in d dimensions plus small isotropic noise (isotropic d-dimensional noise alone
 * has no neighbourhood structure, which no real embedding lacks). Voters add noise of growing scale.
 */
export function syntheticEmbeddings(n: number, m: number, d: number, seed: number): { X: NdArray<Float32Array>; G: NdArray<Float32Array> } {
  const rng = new Rng(seed);
  const latent = 16;
  const basis = Float32Array.from({ length: latent * d }, () => rng.normal() / Math.sqrt(latent));
  const topics = Array.from({ length: 50 }, () => Float32Array.from({ length: latent }, () => 3 * rng.normal()));
  const X = new Float32Array(n * d);
  const G = new Float32Array(n * m * d);
  const z = new Float32Array(latent);
  for (let s = 0; s < n; s++) {
    const topic = topics[s % topics.length];
    for (let l = 0; l < latent; l++) z[l] = topic[l] + rng.normal();
    for (let j = 0; j < d; j++) {
      let x = 0.05 * rng.normal();
      for (let l = 0; l < latent; l++) x += z[l] * basis[l * d + j];
      X[s * d + j] = x;
    }
    for (let v = 0; v < m; v++) {
      const sigma = 0.2 + 0.2 * v;
      for (let j = 0; j < d; j++) G[(s * m + v) * d + j] = X[s * d + j] + sigma * rng.normal();
    }
  }
  return { X: ndarray(X, [n, d]), G: ndarray(G, [n, m, d]) };
}

/**
 * Sentences with topical structure: 50 topics, each drawing `words` words from its own 300 of a
 * 5,000-word vocabulary, sample s on topic s mod 50 (seeded).
 */
export function syntheticTexts(count: number, words: number, seed: number, first = 0): string[] {
  const rng = new Rng(seed + first);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
  return Array.from({ length: count }, (_, i) => {
    const topic = (first + i) % 50;
    return Array.from({ length: words }, () => vocab[(topic * 97 + rng.int(300)) % vocab.length]).join(' ');
  });
}
