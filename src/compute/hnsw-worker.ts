/** One shard of `shardedHnsw`: builds an hnswlib index of rows [start, end) and searches every query in it. */
import { parentPort, workerData } from 'node:worker_threads';
import hnswlib from 'hnswlib-node';
import { writeNearestFirst, type HnswShardJob } from './hnsw-shards.js';

const job = workerData as HnswShardJob;
try {
  const { d, k, nq, start, end } = job;
  const reference = new Float32Array(job.reference);
  const queries = new Float32Array(job.queries);
  const labels = new Int32Array(job.labels);
  const distances = new Float32Array(job.distances);
  const progress = new Int32Array(job.progress);
  const index = new hnswlib.HierarchicalNSW('l2', d);
  index.initIndex(end - start, job.M, job.efConstruction, job.seed);
  const point = new Array<number>(d);
  for (let i = start; i < end; i++) {
    for (let j = 0; j < d; j++) point[j] = reference[i * d + j];
    index.addPoint(point, i);
    Atomics.add(progress, 0, 1);
  }
  index.setEf(job.efSearch);
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < d; j++) point[j] = queries[q * d + j];
    writeNearestFirst(index.searchKnn(point, k), q, k, labels, distances);
    Atomics.add(progress, 0, 1);
  }
  parentPort!.postMessage({});
} catch (error) {
  parentPort!.postMessage({ error: (error as Error).message });
}
