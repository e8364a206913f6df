import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

// "Constructs throw a ValidationError (their own class, with ruleIds), not a plain Error": every `throw` in
// lib/constructs throws `new ValidationError(...)`, and no `Error` (or subclass of the standard library) is
// created there at all. Checked on the syntax tree, so comments and strings do not count.

const ROOT = join(__dirname, '..', '..');
const CONSTRUCTS = join(ROOT, 'lib', 'constructs');
const STANDARD_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `file:line: text` for every throw that is not `new ValidationError(...)` and every standard error created. */
function offences(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node) =>
    found.push(`${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().split('\n')[0]}`);
  const visit = (node: ts.Node): void => {
    if (ts.isThrowStatement(node)) {
      const thrown = node.expression;
      if (!(ts.isNewExpression(thrown) && ts.isIdentifier(thrown.expression) && thrown.expression.text === 'ValidationError')) report(node);
    }
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && STANDARD_ERRORS.has(node.expression.text)) report(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('lib/constructs throws only ValidationError, never a plain Error', () => {
  const files = sourceFiles(CONSTRUCTS);
  expect(files.length).toBeGreaterThan(5);
  expect(files.flatMap((file) => offences(file))).toEqual([]);
});

test('the check itself finds a plain Error, a rethrow and a standard error created for later', () => {
  const scratch =
    "if (x) throw new Error('no');\nthrow new ValidationError(s, 'ok', []);\ntry { f(); } catch (e) { throw e; }\nconst later = new TypeError('x');\n";
  expect(offences(join(ROOT, 'scratch.ts'), scratch).map((o) => o.replace(/^.*?:(\d+):.*$/, '$1'))).toEqual(['1', '1', '3', '4']);
});
