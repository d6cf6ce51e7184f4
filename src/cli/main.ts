#!/usr/bin/env node
/** The `smoothie` command line: parses flags and calls the library; user errors print as one line. */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { fileSystemCause, isFileSystemError } from '../errors/file-system.js';
import { SmoothieError } from '../errors/index.js';
import { cliMessage } from './flags.js';
import { automixCommand } from './commands/automix.js';
import { labeledKnnCommand, labeledOracleCommand, pickLongestCommand, pickRandomCommand } from './commands/baselines.js';
import { embedCommand } from './commands/embed.js';
import { ensembleCommand } from './commands/ensemble.js';
import { evaluateCommand } from './commands/evaluate.js';
import { fakeServerCommand } from './commands/fake-server.js';
import { generateCommand } from './commands/generate.js';
import { makeDatasetCommand } from './commands/make-dataset.js';
import { makeDemoCommand } from './commands/make-demo.js';
import { paperCommand } from './commands/paper.js';
import { routerCommand } from './commands/router.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { coverageCommand, mbrCommand, methodsCommand, voteCommand } from './commands/select.js';
import { peerReviewCommand, rewardRankCommand, uscCommand } from './commands/judges.js';
import { weightsCommand } from './commands/weights.js';

function fail(message: string, code: number): never {
  process.stderr.write(`smoothie: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

// `smoothie … | head` closes our stdout early: that is the reader's choice, not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Our own version: yargs' guess reads the nearest package.json, the host app's when installed as a dependency. */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('smoothie')
    .command(runCommand)
    .command(weightsCommand)
    .command(embedCommand)
    .command(pickRandomCommand)
    .command(pickLongestCommand)
    .command(labeledOracleCommand)
    .command(labeledKnnCommand)
    .command(evaluateCommand)
    .command(makeDatasetCommand)
    .command(generateCommand)
    .command(makeDemoCommand)
    .command(automixCommand)
    .command(serveCommand)
    .command(routerCommand)
    .command(ensembleCommand)
    .command(fakeServerCommand)
    .command(paperCommand)
    .command(mbrCommand)
    .command(voteCommand)
    .command(coverageCommand)
    .command(methodsCommand)
    .command(uscCommand)
    .command(peerReviewCommand)
    .command(rewardRankCommand)
    .demandCommand(1, 'name a command (see --help)')
    .strict()
    .fail((msg, err) => {
      if (err) throw err;
      fail(msg, 2);
    })
    .help()
    .version(VERSION)
    .parseAsync();
}

main().catch((error: unknown) => {
  if (SmoothieError.isInstance(error)) fail(cliMessage(error), error.exitCode);
  // A file-system failure not caught closer to its cause (a cache folder, say): still one line naming the path.
  if (isFileSystemError(error)) fail(`${error.path ?? 'file system'}: ${fileSystemCause(error)}`, 2);
  throw error;
});
