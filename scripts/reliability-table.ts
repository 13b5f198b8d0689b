/**
 * Writes the outcome table of the bad-input corpus into docs/reliability.md, from what
 * the last run of test/reliability/bad-input-corpus.test.ts recorded in
 * out/reliability/bad-input-corpus.json (run the test first, then):
 *
 *   npx tsx scripts/reliability-table.ts [--check]
 *
 * The table goes between the `corpus-table` markers; `--check` only says whether the
 * document matches the recorded run (exit 1 when not).
 */
import fs from 'node:fs';
import path from 'node:path';

interface CaseRecord {
  id: string;
  category: string;
  command: string;
  code: number | null;
  outcome?: 'ok' | 'refused' | 'environment';
  ms: number;
  violation?: string;
  child?: { peakRssMb: number };
}

const root = path.resolve(import.meta.dirname, '..');
const recorded = path.join(root, 'out/reliability/bad-input-corpus.json');
const doc = path.join(root, 'docs/reliability.md');
const BEGIN = '<!-- corpus-table:begin (scripts/reliability-table.ts writes this) -->';
const END = '<!-- corpus-table:end -->';

const run = JSON.parse(fs.readFileSync(recorded, 'utf8')) as { seed: number; cases: number; records: CaseRecord[] };
if (run.records.length !== run.cases) {
  throw new Error(`${recorded} holds ${run.records.length} of ${run.cases} cases: run the whole corpus test, not a part of it`);
}

const rows = new Map<string, { cases: number; commands: Set<string>; ok: number; refused: number; environment: number; violations: number }>();
for (const r of run.records) {
  const row = rows.get(r.category) ?? { cases: 0, commands: new Set<string>(), ok: 0, refused: 0, environment: 0, violations: 0 };
  row.cases++;
  row.commands.add(r.command);
  if (r.violation) row.violations++;
  else if (r.outcome) row[r.outcome]++;
  rows.set(r.category, row);
}
const total = [...rows.values()].reduce(
  (t, r) => ({
    cases: t.cases + r.cases,
    ok: t.ok + r.ok,
    refused: t.refused + r.refused,
    environment: t.environment + r.environment,
    violations: t.violations + r.violations,
  }),
  { cases: 0, ok: 0, refused: 0, environment: 0, violations: 0 },
);
const children = run.records.filter((r) => r.child);
const peak = Math.max(...children.map((r) => r.child!.peakRssMb));
const peakCase = children.find((r) => r.child!.peakRssMb === peak);
const byCommand = (cmd: string) => run.records.filter((r) => r.command === cmd).length;
const slowest = run.records.reduce((a, b) => (b.ms > a.ms ? b : a));

const table = [
  BEGIN,
  `Seed ${run.seed}, ${run.cases} cases (${byCommand('run')} through \`run\`, ${byCommand('probe')} through \`probe\`, ${byCommand('validate')} through \`validate\`):`,
  '',
  '| damage | cases | command | exit 0 (no harm done) | exit 2 (refused, file named) | exit 1 (environment) | outside the allowed classes |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...[...rows].map(
    ([category, r]) => `| ${category} | ${r.cases} | ${[...r.commands].sort().join(', ')} | ${r.ok} | ${r.refused} | ${r.environment} | ${r.violations} |`,
  ),
  `| **all** | **${total.cases}** | | **${total.ok}** | **${total.refused}** | **${total.environment}** | **${total.violations}** |`,
  '',
  `${children.length} of the cases also ran as \`bin/autodvt.js\` children: same class as in-process, peak resident memory at most ${peak} MiB (${peakCase?.id}); ` +
    `the slowest case in-process took ${(slowest.ms / 1000).toFixed(1)} s (${slowest.id}).`,
  END,
].join('\n');

const text = fs.readFileSync(doc, 'utf8');
const start = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (start < 0 || end < start) throw new Error(`${doc} has no corpus-table markers`);
const updated = text.slice(0, start) + table + text.slice(end + END.length);
if (process.argv.includes('--check')) {
  if (updated !== text) {
    process.stderr.write(`${path.relative(root, doc)} does not match the recorded corpus run\n`);
    process.exit(1);
  }
} else fs.writeFileSync(doc, updated);
process.stdout.write(table + '\n');
