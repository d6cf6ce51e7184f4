/** `smoothie router migrate-store <router.json> --to <uri>`: a saved router's store into a shared LanceDB table. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { DEFAULT_LANCE_TABLE } from '../../route/lance-store.js';
import { migrateStore } from '../../route/migrate-store.js';
import { outputOptions, type InferredArgs } from '../options.js';

function migrateBuilder(y: Argv) {
  return outputOptions(y)
    .positional('router', { type: 'string', demandOption: true, describe: 'Router file written by router.save() (select, in-memory store)' })
    .option('to', { type: 'string', demandOption: true, describe: 'LanceDB database: a folder, or an object-storage URI such as s3://bucket/path' })
    .option('table', { type: 'string', default: DEFAULT_LANCE_TABLE, describe: 'Table name in the database' })
    .option('out', { type: 'string', describe: 'Also write a router file that uses the table (serve it with smoothie serve --router <out>)' });
}

type MigrateArgs = InferredArgs<typeof migrateBuilder>;

async function migrateHandler(args: ArgumentsCamelCase<MigrateArgs>): Promise<void> {
  const result = await migrateStore(args.router, { uri: args.to, table: args.table, out: args.out });
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!args.quiet) {
    process.stdout.write(
      `${result.uri} table ${result.table}: ${result.inserted} of ${result.rows} rows inserted (${result.rows - result.inserted} already there), ${result.tableRows} rows in the table${result.out ? `; wrote ${result.out}` : ''}\n`,
    );
  }
}

const migrateStoreCommand: CommandModule<object, MigrateArgs> = {
  command: 'migrate-store <router>',
  describe: "Copy a select router's stored rows (JSON + Arrow files) into a LanceDB table several serve processes share (idempotent)",
  builder: migrateBuilder,
  handler: migrateHandler,
};

export const routerCommand: CommandModule = {
  command: 'router <command>',
  describe: 'Saved routers: migrate-store',
  builder: (y) => y.command(migrateStoreCommand).demandCommand(1),
  handler: () => undefined,
};
