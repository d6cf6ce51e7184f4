/**
 * Progress for long steps: a bar on a TTY, a plain line per 10 % (or per 30 s) otherwise, nothing
 * with --quiet/--json. Each stage shows its rate and time left, measured from the stage's first
 * report, so work a cache already holds neither inflates the rate nor hides the ETA.
 */
import cliProgress from 'cli-progress';

export interface ProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** Shown after the counts (e.g. throughput and errors). */
  readonly detail?: string;
  /** How many of `done` came from a cache (shown, and left out of the rate). */
  readonly cached?: number;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Rate since the stage started and time left, e.g. `47.3/s, 1,200 cached, 3m05s left`. */
export function rateDetail(done: number, total: number, baseline: number, elapsedSeconds: number, cached: number | undefined): string {
  const parts: string[] = [];
  const fresh = done - baseline;
  const rate = elapsedSeconds > 0 ? fresh / elapsedSeconds : 0;
  if (fresh > 0 && elapsedSeconds > 0) parts.push(`${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s`);
  if (cached) parts.push(`${cached.toLocaleString('en-US')} cached`);
  if (done < total && rate > 0) parts.push(`${formatDuration((total - done) / rate)} left`);
  return parts.join(', ');
}

export type ProgressReporter = ((event: ProgressEvent) => void) & { stop(): void };

export function createProgress(options: { readonly quiet: boolean }): ProgressReporter {
  const stream = process.stderr;
  let bar: cliProgress.SingleBar | undefined;
  let stage = '';
  let lastDecile = -1;
  let lastLine = 0;
  let started = 0;
  let baseline = 0;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const report = (event: ProgressEvent): void => {
    if (options.quiet || event.total === 0) return;
    if (event.stage !== stage) {
      stop();
      stage = event.stage;
      lastDecile = -1;
      started = performance.now();
      baseline = event.done;
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar({ stream, format: `${stage.padEnd(24)} {bar} {value}/{total} {percentage}%{detail}`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(event.total, 0, { detail: '' });
      }
    }
    const now = performance.now();
    const rate = rateDetail(event.done, event.total, baseline, (now - started) / 1000, event.cached);
    const detail = [event.detail, rate].filter((d) => d).join(', ');
    if (bar) {
      bar.update(event.done, { detail: detail ? ` | ${detail}` : '' });
      if (event.done >= event.total) stop();
      return;
    }
    const decile = Math.floor((10 * event.done) / event.total);
    if (decile !== lastDecile || now - lastLine > 30_000) {
      lastDecile = decile;
      lastLine = now;
      stream.write(`${stage}: ${event.done}/${event.total}${detail ? ` (${detail})` : ''}\n`);
    }
  };
  return Object.assign(report, { stop });
}
