import fs from 'node:fs';
import path from 'node:path';

/** Reads `.env` from the project root into process.env when present (entry points only; never at import). */
export function loadEnvFile(rootDir: string): void {
  const file = path.join(rootDir, '.env');
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
