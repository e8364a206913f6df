import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULE_CATALOG, RULE_IDS, isRuleId } from '../../lib/rules';
import { RULES_DOC_PATH, renderRulesDoc } from '../../scripts/gen-rules-doc';

const LIB = path.join(__dirname, '..', '..', 'lib');
const sources = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
/** A rule id as it appears in code: a quoted S3-... or BUCKETKIT-... literal, optionally after `bucketkit:`. */
const ID_LITERAL = /['"`](?:bucketkit:)?((?:S3|BUCKETKIT)-[A-Z0-9-]*[A-Z0-9])(['"`]|\$\{)/g;

describe('the rule catalogue', () => {
  test('ids are unique, upper-case, and each row has a title and an https AWS (or aws-cdk) link', () => {
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
    for (const rule of RULE_CATALOG) {
      expect(rule.id).toMatch(/^(S3|BUCKETKIT)-[A-Z0-9]+(-[A-Z0-9]+)*$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.docUrl).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com\/aws\/aws-cdk)\//);
    }
  });

  test('every rule id used anywhere in lib/ is in the catalogue, and none is built at run time', () => {
    const unknown: string[] = [];
    const built: string[] = [];
    const used = new Set<string>();
    for (const file of sources(LIB).filter((f) => !f.endsWith(path.join('rules', 'catalog.ts')))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(ID_LITERAL)) {
        const where = `${path.relative(LIB, file)}: ${match[1]}`;
        if (match[2] === '${') built.push(where);
        else if (!isRuleId(match[1])) unknown.push(where);
        else used.add(match[1]);
      }
    }
    expect(built).toEqual([]);
    expect(unknown).toEqual([]);
    // And every catalogued id is used by some check (no dead rows).
    expect(RULE_IDS.filter((id) => !used.has(id))).toEqual([]);
  });

  test('docs/rules.md is generated from the catalogue and up to date (node --import tsx scripts/gen-rules-doc.ts)', () => {
    expect(fs.readFileSync(RULES_DOC_PATH, 'utf8')).toBe(renderRulesDoc());
    for (const id of RULE_IDS) expect(renderRulesDoc()).toContain(`\`${id}\``);
  });
});
