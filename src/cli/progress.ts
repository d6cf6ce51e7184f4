/** Progress for long steps: a bar on a TTY, a plain line per 10 % otherwise, nothing with --quiet/--json. */
import cliProgress from 'cli-progress';

export interface ProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  /** Shown after the counts (e.g. throughput and errors). */
  readonly detail?: string;
}

export type ProgressReporter = ((event: ProgressEvent) => void) & { stop(): void };

export function createProgress(options: { readonly quiet: boolean }): ProgressReporter {
  const stream = process.stderr;
  let bar: cliProgress.SingleBar | undefined;
  let stage = '';
  let lastDecile = -1;
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
      if (stream.isTTY) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${stage.padEnd(24)} {bar} {value}/{total} {percentage}% | {eta_formatted} left{detail}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(event.total, 0, { detail: '' });
      }
    }
    if (bar) {
      bar.update(event.done, { detail: event.detail ? ` | ${event.detail}` : '' });
      if (event.done >= event.total) stop();
      return;
    }
    const decile = Math.floor((10 * event.done) / event.total);
    if (decile !== lastDecile) {
      lastDecile = decile;
      stream.write(`${stage}: ${event.done}/${event.total}${event.detail ? ` (${event.detail})` : ''}\n`);
    }
  };
  return Object.assign(report, { stop });
}
