import { Command } from 'commander';
import { loadConfig } from '../config';
import { AppDeps, createDeps } from '../deps';
import { loadEnvFile } from '../env-file';
import { createMigrator, createSeeder, prepareDatabase } from '../migrate';
import { isSqlite, sqliteStorage } from '../db';
import { backupSqlite } from './backup';
import { addFakeCommand } from './fake';
import { addModelCommands } from './model';
import { createUser, setRole } from './users';

// Operator commands, as Flasky's `flask` CLI: npm run cli -- <command> [options]

async function withDeps(fn: (deps: AppDeps, config: ReturnType<typeof loadConfig>) => Promise<void>): Promise<void> {
  const config = loadConfig();
  const deps = createDeps(config);
  try {
    await fn(deps, config);
  } finally {
    await deps.close();
  }
}


export function buildProgram(): Command {
  const program = new Command('mlnotes').description('mlnotes operator commands');

  program.command('db:migrate').description('apply pending migrations').action(() =>
    withDeps(async ({ sequelize }) => {
      const done = await createMigrator(sequelize).up();
      console.log(done.length ? `Applied: ${done.map((m) => m.name).join(', ')}` : 'Database is up to date.');
    }),
  );

  program.command('db:migrate:undo').description('revert the last migration').action(() =>
    withDeps(async ({ sequelize }) => {
      const done = await createMigrator(sequelize).down();
      console.log(done.length ? `Reverted: ${done.map((m) => m.name).join(', ')}` : 'Nothing to revert.');
    }),
  );

  program.command('db:seed').description('migrate, then insert roles, the administrator and (in development) demo data').action(() =>
    withDeps(async ({ sequelize }, config) => {
      const report = (line: string) => console.log(line);
      await prepareDatabase({ sequelize, config, report }, { seed: 'never' });
      await createSeeder({ sequelize, config, report }).up();
      console.log('Seeded.');
    }),
  );

  program
    .command('db:backup')
    .description('take a consistent online backup of the SQLite database (safe while the app runs)')
    .argument('<file>', 'where to write the copy')
    .action(async (file: string) => {
      const config = loadConfig();
      if (!isSqlite(config.databaseUrl)) throw new Error('db:backup copies SQLite databases; back PostgreSQL up with pg_dump.');
      await backupSqlite(sqliteStorage(config.databaseUrl, config.rootDir), file);
      console.log(`Backed up to ${file}.`);
    });

  program
    .command('user:create')
    .description('create an account without email')
    .requiredOption('--email <email>')
    .requiredOption('--username <username>')
    .requiredOption('--password <password>')
    .option('--role <role>', 'User, Moderator or Administrator')
    .option('--confirmed', 'mark the account confirmed', false)
    .action((opts) =>
      withDeps(async () => {
        const user = await createUser(opts);
        console.log(`Created user ${user.username} <${user.email}> (id ${user.id}).`);
      }),
    );

  program
    .command('user:set-role')
    .description("change a user's role")
    .requiredOption('--role <role>', 'User, Moderator or Administrator')
    .option('--email <email>')
    .option('--username <username>')
    .action((opts) =>
      withDeps(async () => {
        const user = await setRole(opts);
        console.log(`${user.username} is now ${opts.role}.`);
      }),
    );

  addFakeCommand(program, withDeps);
  addModelCommands(program, withDeps);

  return program;
}

if (require.main === module) {
  loadEnvFile(process.cwd());
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    });
}
