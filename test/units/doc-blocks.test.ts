/**
 * Each unit's doc block (the Holoscan-style header: consumes, emits, parameters) must
 * agree with its schema, which is the spec: every parameter named in the block exists,
 * every schema parameter is named in the block, and every default the block states is
 * the schema's default. The parameters are written twice (prose for readers, the schema
 * for the machine); this keeps them from drifting apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { allUnits } from '../../src/core/registry.js';
import type { UnitSpec } from '../../src/core/unit.js';

const root = path.resolve(import.meta.dirname, '../..');

function unitFile(unit: UnitSpec): string {
  const dir = path.join(root, 'src', `${unit.kind}s`);
  const flat = path.join(dir, `${unit.type}.ts`);
  return fs.existsSync(flat) ? flat : path.join(dir, unit.type, 'index.ts');
}

interface DocParam {
  names: string[];
  text: string;
}

/** The doc block's parameter section: rows whose first column (after ` *   `) names one or more parameters. */
function docParams(file: string): { rows: DocParam[]; section: string } {
  const block = fs.readFileSync(file, 'utf8').split('*/')[0]!;
  const lines = block.split('\n');
  const start = lines.findIndex((l) => /^ \* Parameters\b/.test(l));
  if (start < 0) return { rows: [], section: '' };
  const rows: DocParam[] = [];
  const section: string[] = [];
  // A heading may run on over a few lines: `Parameters (all durations in seconds ...`.
  let headingOpen = (lines[start]!.match(/\(/g) ?? []).length > (lines[start]!.match(/\)/g) ?? []).length;
  for (const line of lines.slice(start + 1)) {
    if (headingOpen) {
      if (line.includes(')')) headingOpen = false;
      continue;
    }
    if (/^ \*\s*$/.test(line) || /^ \* \S/.test(line)) break; // a blank line or the next heading (Notes:, Emits ...)
    section.push(line);
    const row = /^ \* {3}([A-Za-z][\w]*(?:, [A-Za-z][\w]*)*)(?:\s{2,}(.*)|\s*$)/.exec(line);
    if (row) rows.push({ names: row[1]!.split(', '), text: row[2] ?? '' });
    else if (rows.length) rows[rows.length - 1]!.text += ' ' + line.replace(/^ \*\s+/, '');
  }
  return { rows, section: section.join('\n') };
}

function schemaDefaults(schema: z.ZodObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const def = (field as { _zod?: { def?: { type?: string; defaultValue?: unknown } } })._zod?.def;
    if (def?.type === 'default') out[key] = typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
  }
  return out;
}

/** Defaults a row states: `(default 0.2)`, `default true` or, for a row naming several parameters, `(0.7, 0.4)` at its end. */
function statedDefaults(row: DocParam): Record<string, string> {
  const single = /\(default:? ([^)\s,;]+)\)|;\s*default `?([^`\s,;)]+)`?/.exec(row.text);
  if (row.names.length === 1 && single) return { [row.names[0]!]: (single[1] ?? single[2])! };
  const trailing = /\(([^()]+)\)\s*$/.exec(row.text);
  if (trailing) {
    const values = trailing[1]!.split(',').map((v) => v.trim());
    if (values.length === row.names.length && values.every((v) => /^[\w.+-]+$/.test(v))) return Object.fromEntries(row.names.map((n, i) => [n, values[i]!]));
  }
  return {};
}

const units = allUnits().filter((u) => fs.existsSync(unitFile(u)));

describe('unit doc blocks agree with their schemas', () => {
  it('finds a doc block with parameters for every unit that has parameters', () => {
    const missing = units.filter((u) => Object.keys(u.schema.shape).length > 0 && docParams(unitFile(u)).rows.length === 0).map((u) => u.type);
    expect(missing).toEqual([]);
  });

  it.each(units.map((u) => [`${u.kind} ${u.type}`, u] as const))('%s: names exactly the schema parameters, with the schema defaults', (_name, unit) => {
    const { rows, section } = docParams(unitFile(unit));
    const keys = Object.keys(unit.schema.shape);
    const named = rows.flatMap((r) => r.names);
    expect(
      named.filter((n) => !keys.includes(n)),
      'named in the doc block but not in the schema',
    ).toEqual([]);
    expect(
      keys.filter((k) => !named.includes(k) && !section.includes(`\`${k}\``)),
      'in the schema but not in the doc block',
    ).toEqual([]);
    const defaults = schemaDefaults(unit.schema);
    const wrong: string[] = [];
    for (const row of rows) {
      for (const [name, stated] of Object.entries(statedDefaults(row))) {
        if (!(name in defaults)) continue;
        const actual = defaults[name];
        if (Array.isArray(actual) && !stated.startsWith('[')) continue; // prose about an empty list ("default: search")
        const shown = Array.isArray(actual) ? actual.join(',') : String(actual);
        if (stated.replace(/[`[\]\s]/g, '') !== shown) wrong.push(`${name}: doc says ${stated}, schema ${shown}`);
      }
    }
    expect(wrong, 'defaults that differ').toEqual([]);
  });
});
