// Builds a host app in `appDir` that depends on the packed tarball, with a package-lock made from this
// repository's lock (its production entries), so `npm ci --offline` installs from the npm cache alone.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export function writeOfflineApp(repoRoot, tarball, appDir) {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const spec = `file:${path.relative(appDir, tarball)}`;
  const packages = {
    '': { name: 'host-app', version: '9.9.9', dependencies: { 'smoothie-router': spec } },
    'node_modules/smoothie-router': {
      version: pkg.version,
      resolved: spec,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [at, entry] of Object.entries(lock.packages)) {
    if (at === '' || at === 'node_modules/smoothie-router' || entry.dev || entry.link) continue;
    packages[at] = entry;
  }
  mkdirSync(appDir, { recursive: true });
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'host-app', version: '9.9.9', private: true, type: 'module', dependencies: { 'smoothie-router': spec } }, null, 2));
  writeFileSync(path.join(appDir, 'package-lock.json'), JSON.stringify({ name: 'host-app', version: '9.9.9', lockfileVersion: 3, requires: true, packages }, null, 2));
}
