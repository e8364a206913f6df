/**
 * The cost example of docs/scale-out.md ("10 million restores"), computed here so the page cannot drift: the S3 lines
 * from bucketkit's own `estimateStorageCost` (dated price table), the engine lines from the rates below. Every row
 * the page shows is rendered by this test and must appear in the page verbatim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateStorageCost, type CostCategory } from 'bucketkit/rules';

const OBJECTS = 10_000_000;
const SIZE_BYTES = 1024 * 1024;

// Engine rates, us-east-1. The billing model (Standard: per state transition, retries included; Express: per request
// plus duration rounded up to 100 ms in 64 MB chunks) is read off https://aws.amazon.com/step-functions/pricing/; the
// dollar rates there are not in the stored copy, so they come from a third-party guide (wring.co, 2026-03) and are
// marked unverified on the page, as is the Batch Operations per-object fee (the $0.25 job fee is corroborated by
// Yelp's 2025 account of Batch Operations costs; https://aws.amazon.com/s3/pricing/, "Management & insights").
const SFN_USD_PER_TRANSITION = 0.025 / 1000;
const EXPRESS_USD_PER_REQUEST = 1 / 1_000_000;
const EXPRESS_USD_PER_GB_SECOND = 0.00001667;
const EXPRESS_BILLED_SECONDS = 0.1; // one RestoreObject round trip, rounded up to 100 ms
const EXPRESS_BILLED_GB = 64 / 1024; // the smallest memory chunk
const BATCH_USD_PER_JOB = 0.25;
const BATCH_USD_PER_OBJECT = 1 / 1_000_000;
// BulkRestore's child on the happy path: Choice "Version given?" -> Task restoreObject -> Pass "Restore requested".
const STANDARD_CHILD_TRANSITIONS = 3;

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const row = (...cells: string[]) => `| ${cells.join(' | ')} |`;

function s3Restore(tier: 'Bulk' | 'Standard') {
  const e = estimateStorageCost({ objects: [{ sizeBytes: SIZE_BYTES, count: OBJECTS }], months: 1, storageClass: 'GLACIER', restores: [{ tier, days: 1 }] });
  const line = (c: CostCategory) => e.lines.find((l) => l.category === c)!;
  const parts = { requests: line('retrieval-requests'), gb: line('retrieval-gb'), copy: line('restored-copy') };
  return { ...parts, total: parts.requests.usd + parts.gb.usd + parts.copy.usd, prices: e.prices };
}

/** The rows of the page's two tables, as markdown. */
export function costRows(): string[] {
  const bulk = s3Restore('Bulk');
  const standard = s3Restore('Standard');
  const parent = OBJECTS * SFN_USD_PER_TRANSITION;
  const expressRequests = OBJECTS * EXPRESS_USD_PER_REQUEST;
  const gbSeconds = OBJECTS * EXPRESS_BILLED_SECONDS * EXPRESS_BILLED_GB;
  const expressDuration = gbSeconds * EXPRESS_USD_PER_GB_SECOND;
  const express = parent + expressRequests + expressDuration;
  const standardChildren = OBJECTS * STANDARD_CHILD_TRANSITIONS * SFN_USD_PER_TRANSITION;
  const batch = BATCH_USD_PER_JOB + OBJECTS * BATCH_USD_PER_OBJECT;
  return [
    row(`retrieval requests (${num(standard.requests.quantity * 1000)})`, usd(bulk.requests.usd), usd(standard.requests.usd)),
    row(`retrieval (${num(standard.gb.quantity, 1)} GB)`, usd(bulk.gb.usd), usd(standard.gb.usd)),
    row(`restored copy in STANDARD for 1 day (${num(standard.copy.quantity, 1)} GB-month)`, usd(bulk.copy.usd), usd(standard.copy.usd)),
    row('**S3 restore charges**', `**${usd(bulk.total)}**`, `**${usd(standard.total)}**`),
    row(`Distributed Map: one state transition in the parent per child started (${num(OBJECTS)} × $0.025 per 1,000)`, usd(parent)),
    row(`Express children: ${num(OBJECTS)} requests × $1.00 per million`, usd(expressRequests)),
    row(`Express children: duration, 100 ms × 64 MB each = ${num(gbSeconds)} GB-s × $0.00001667`, usd(expressDuration)),
    row('**BulkRestore, Express children (the default)**', `**${usd(express)}**`),
    row(
      `Standard children instead: ${STANDARD_CHILD_TRANSITIONS} transitions each (${num(OBJECTS * STANDARD_CHILD_TRANSITIONS)} × $0.025 per 1,000), plus the parent`,
      usd(standardChildren + parent),
    ),
    row(`S3 Batch Operations: 1 job × $0.25 + ${num(OBJECTS)} objects × $1.00 per million`, usd(batch)),
    row('BulkRestore (Express children)', usd(bulk.total + express), usd(standard.total + express)),
    row('BulkRestore (Standard children)', usd(bulk.total + standardChildren + parent), usd(standard.total + standardChildren + parent)),
    row('S3 Batch Operations (`restore --batch`)', usd(bulk.total + batch), usd(standard.total + batch)),
  ];
}

test('docs/scale-out.md shows the 10-million-restore cost example exactly as computed', () => {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'scale-out.md'), 'utf8');
  const missing = costRows().filter((r) => !page.includes(r));
  expect(missing).toEqual([]);
  expect(page).toContain(`price table dated ${s3Restore('Bulk').prices.retrievedOn}`);
});

test('the example behaves as the page says: Bulk restores cost no retrieval fee, Batch Operations is the cheapest engine', () => {
  const bulk = s3Restore('Bulk');
  expect(bulk.requests.usd + bulk.gb.usd).toBe(0);
  const standard = s3Restore('Standard');
  expect(standard.requests.usd).toBeCloseTo(500, 6); // 10,000 × $0.05 (AWS re:Post example's rate)
  expect(BATCH_USD_PER_JOB + OBJECTS * BATCH_USD_PER_OBJECT).toBeLessThan(OBJECTS * SFN_USD_PER_TRANSITION);
});
