import fs from 'node:fs';
import path from 'node:path';
import type { QueryInterface, Sequelize } from 'sequelize';
import { MigrationFn, RunnableMigration, SequelizeStorage, Umzug, memoryStorage } from 'umzug';
import type { Config } from './config';

export type Migration = MigrationFn<QueryInterface>;

/**
 * A table for addColumn / removeColumn / changeColumn: on PostgreSQL, Sequelize
 * qualifies a bare name with "public", so name the configured schema explicitly.
 */
export function table(qi: QueryInterface, tableName: string): string | { tableName: string; schema: string } {
  const schema = (qi.sequelize as unknown as { options: { searchPath?: string } }).options.searchPath;
  return schema ? { tableName, schema } : tableName;
}

export interface SeedContext {
  sequelize: Sequelize;
  config: Config;
  /** Lines for the operator (printed by `npm start` / `db:seed`). */
  report: (line: string) => void;
}
export type Seeder = MigrationFn<SeedContext>;

const PROJECT_DIR = path.join(__dirname, '..');

// Migrations and seeders run as .ts under tsx and Jest, and as .js once compiled
// (dist/migrations). Names are stored without the extension so both agree.
function loadFolder<Ctx>(folder: string): RunnableMigration<Ctx>[] {
  const dir = path.join(PROJECT_DIR, folder);
  return fs
    .readdirSync(dir)
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort()
    .map((file) => {
      const filePath = path.join(dir, file);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const load = () => require(filePath) as { up: MigrationFn<Ctx>; down?: MigrationFn<Ctx> };
      return {
        name: file.replace(/\.(ts|js)$/, ''),
        path: filePath,
        up: (params) => load().up(params),
        down: (params) => load().down?.(params) ?? Promise.resolve(),
      };
    });
}

export function createMigrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug({
    migrations: loadFolder<QueryInterface>('migrations'),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'migrations_meta' }),
    logger: undefined,
  });
}

/** Seeders are idempotent and run every time (nothing is recorded). */
export function createSeeder(context: SeedContext): Umzug<SeedContext> {
  return new Umzug({
    migrations: loadFolder<SeedContext>('seeders'),
    context,
    storage: memoryStorage(),
    logger: undefined,
  });
}

/** Brings the schema up to date; seeds when asked to, or when the database has no users yet. */
export async function prepareDatabase(
  context: SeedContext,
  opts: { seed: 'always' | 'if-empty' | 'never' } = { seed: 'if-empty' },
): Promise<void> {
  await createMigrator(context.sequelize).up();
  if (opts.seed === 'never') return;
  if (opts.seed === 'if-empty') {
    const [rows] = await context.sequelize.query('SELECT COUNT(*) AS n FROM users');
    if (Number((rows as { n: number | string }[])[0].n) > 0) return;
  }
  await createSeeder(context).up();
}
