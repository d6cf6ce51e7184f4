/**
 * Locating `../shared/fixtures` (parity targets; `SMOOTHIE_FIXTURES` points elsewhere). Locally, tests
 * skip with a message when a fixture is absent; under `CI=true` an absent fixture fails the run, so a
 * CI job without the fixtures cannot pass by skipping every parity test.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fixture folder: `$SMOOTHIE_FIXTURES`, else `../shared/fixtures` beside the repository. */
export function fixturesRoot(): string {
  return path.resolve(process.env.SMOOTHIE_FIXTURES ?? path.join(REPO_ROOT, '..', 'shared', 'fixtures'));
}
export const FIXTURES = fixturesRoot();

/** CI must run the parity tests: `CI=true` (as GitHub Actions and most CI set) or `SMOOTHIE_REQUIRE_FIXTURES=1`. */
export function fixturesRequired(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.SMOOTHIE_REQUIRE_FIXTURES === '1';
}

/** Whether a fixture path exists; absent: a logged skip locally, an error under CI. */
export function fixtureExists(p: string): boolean {
  if (existsSync(p)) return true;
  if (fixturesRequired()) {
    throw new Error(`reference fixture ${p} is absent and CI=true: check out the shared fixtures (../shared or SMOOTHIE_FIXTURES); parity tests may not skip in CI`);
  }
  console.warn(`skipping: reference fixture ${p} is absent (../shared is not checked out)`);
  return false;
}

/** Absolute path of a fixture, and whether it exists (see {@link fixtureExists}). */
export function fixture(...parts: string[]): { path: string; exists: boolean } {
  const p = path.join(fixturesRoot(), ...parts);
  return { path: p, exists: fixtureExists(p) };
}
