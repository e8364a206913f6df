import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-cycles.sh');

function check(...files: string[]): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync('bash', [SCRIPT, ...files], { cwd: ROOT, encoding: 'utf8' }) };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { status: e.status, output: e.stdout };
  }
}

describe('scripts/check-cycles.sh (run by npm test over lib/, bin/ and lambda/)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(ROOT, '.cycle-scratch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a scratch runtime cycle fails the check and is named', () => {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): unknown => b;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): unknown => a;\n");
    const { status, output } = check(join(dir, 'a.ts'));
    expect(status).not.toBe(0);
    expect(output).toMatch(/a\.ts -> .*b\.ts/);
  });

  test('a type-only cycle fails too: no layer leans on one above it, even for types', () => {
    writeFileSync(join(dir, 'c.ts'), "import type { D } from './d';\nexport interface C { d?: D }\n");
    writeFileSync(join(dir, 'd.ts'), "import type { C } from './c';\nexport interface D { c?: C }\n");
    expect(check(join(dir, 'c.ts')).status).not.toBe(0);
  });

  test('an acyclic graph passes', () => {
    writeFileSync(join(dir, 'e.ts'), "import { f } from './f';\nexport const e = (): unknown => f;\n");
    writeFileSync(join(dir, 'f.ts'), 'export const f = 1;\n');
    expect(check(join(dir, 'e.ts')).status).toBe(0);
  });

  test('lib/storage, as the package exports it, has no cycle', () => {
    const { status, output } = check('lib/storage/index.ts', 'lib/rules/index.ts');
    expect(output).toMatch(/no circular dependency/);
    expect(status).toBe(0);
  });
});
