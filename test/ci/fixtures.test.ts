// Issue 13 item 16: parity tests skip when ../shared is absent locally; under CI=true an absent
// fixture folder fails instead.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, fixturesRoot } from '../helpers/shared.js';

describe('shared fixtures', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('absent locally: a skip (exists false) with a message', () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('SMOOTHIE_REQUIRE_FIXTURES', '');
    vi.stubEnv('SMOOTHIE_FIXTURES', '/nonexistent/fixtures');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(fixture('automix').exists).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('skipping'));
    warn.mockRestore();
  });

  it('absent under CI=true: an error naming the folder', () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('SMOOTHIE_FIXTURES', '/nonexistent/fixtures');
    expect(fixturesRoot()).toBe('/nonexistent/fixtures');
    expect(() => fixture('automix')).toThrow(/\/nonexistent\/fixtures\/automix is absent and CI=true/);
  });

  it('the CI script sets CI=true', async () => {
    const { readFileSync } = await import('node:fs');
    const { REPO_ROOT } = await import('../helpers/shared.js');
    expect(readFileSync(`${REPO_ROOT}/.ci/run`, 'utf8')).toMatch(/^export CI=true$/m);
  });
});
