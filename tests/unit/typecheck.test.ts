import path from 'path';
import { spawnSync } from 'child_process';
import { describe, it, expect } from 'vitest';

/** The server and the admin panel (with the approvals plugin) type-check: `tsc --noEmit` on each project. */
const root = path.join(__dirname, '..', '..');
const tsc = (project: string) => {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', project], { cwd: root, encoding: 'utf8' });
  return { status: r.status, errors: `${r.stdout}${r.stderr}`.trim() };
};

describe('TypeScript', () => {
  it.each(['tsconfig.json', 'src/admin/tsconfig.json'])('%s type-checks with no error', (project) => {
    expect(tsc(project)).toEqual({ status: 0, errors: '' });
  }, 240_000);
});
