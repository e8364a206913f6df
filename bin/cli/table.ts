/**
 * Tables for the CLI on cli-table3 (column widths, right alignment, wide keys): no colours, so the output reads the
 * same in a terminal, a pipe or a log file.
 */
import Table from 'cli-table3';

/** Renders `rows` under `head`; the columns listed in `right` are right-aligned (numbers, sizes). */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const table = new Table({
    head: [...head],
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_h, i) => (right.includes(i) ? 'right' : 'left')),
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}

/** A date as ISO 8601 to the second, UTC; '' when unknown. */
export function formatDate(date: Date | undefined): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}
