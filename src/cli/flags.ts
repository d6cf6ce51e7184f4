/**
 * Library errors name the library's options (`k`, `nGenerations`, `dataDir`); CLI users see the
 * flags instead. A flag is the option in kebab case (`nGenerations` → `--n-generations`) unless
 * listed here.
 */
import { UserInputError } from '../errors/index.js';

/** Options whose flag is not their kebab-case name. */
const FLAG_OF: Readonly<Record<string, string>> = {
  dataDir: '--data',
  sampleSize: '--label-train-sample-size',
  verifier: '--verifier-cost',
  slm: '--costs',
  llm: '--costs',
};

/** The CLI flag of a library option: `k` → `--k`, `trainSize` → `--train-size`. */
export function flagOf(option: string): string {
  return FLAG_OF[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-')}`;
}

/** A library error's message as the CLI prints it: an option at fault is named by its flag (`field '--k'`). */
export function cliMessage(error: Error): string {
  if (UserInputError.isUserInputError(error) && error.option !== undefined) return error.describe({ option: undefined, field: flagOf(error.option) });
  return error.message;
}
