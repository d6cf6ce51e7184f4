// Issue 13 item 12: the README's library snippets (readme.test-d.ts) compile against the built
// package with skipLibCheck: false: no error in our .d.ts (TS1170 in estimator.d.ts was one) or in
// the snippets (readNpy's result into Smoothie.fit needed a cast). Third-party declaration files
// are outside our control and reported, not judged: tfjs' own .d.ts need the DOM lib.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.js';

describe('type test: README snippets against the built package', () => {
  it('compiles with skipLibCheck: false, no error in smoothie-router or the snippets', () => {
    const tsc = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'test', 'types', 'tsconfig.json')], { cwd: REPO_ROOT, encoding: 'utf8' });
    const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    // Third-party paths may read ../main/node_modules/… where node_modules is a symlink (a git worktree).
    const ours = errors.filter((l) => !/(^|\/)node_modules\//.test(l.split('(')[0]) || /node_modules\/smoothie-router\//.test(l));
    expect(ours).toEqual([]);
  }, 120_000);
});
