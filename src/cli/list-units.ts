/** `autodvt list`: every unit with its summary and parameters, from the schemas. */
import YAML from 'yaml';
import { z } from 'zod';
import { allUnits } from '../core/registry.js';
import type { UnitSpec } from '../core/unit.js';

export interface ParameterDoc {
  name: string;
  type: string;
  default?: unknown;
  required: boolean;
  description?: string;
}

export function describeParameters(unit: UnitSpec): ParameterDoc[] {
  const json = z.toJSONSchema(unit.schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: string; enum?: unknown[]; default?: unknown; description?: string; items?: { enum?: unknown[]; type?: string } }>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.enum
      ? p.enum.map((v) => JSON.stringify(v)).join('|')
      : p.type === 'array'
        ? `${p.items?.enum ? p.items.enum.join('|') : (p.items?.type ?? 'any')}[]`
        : (p.type ?? 'any'),
    default: p.default,
    required: (json.required ?? []).includes(name) && p.default === undefined,
    description: p.description,
  }));
}

export function listUnitsText(filter?: string): string {
  const lines: string[] = [];
  for (const kind of ['source', 'stage', 'sink'] as const) {
    const units = allUnits().filter((u) => u.kind === kind && (!filter || u.type === filter));
    if (units.length === 0) continue;
    lines.push(`${kind.toUpperCase()}S`);
    for (const unit of units) {
      lines.push(`  ${unit.type} — ${unit.summary}`);
      for (const p of describeParameters(unit)) {
        const def = p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : p.required ? ' (required)' : '';
        lines.push(`      ${p.name}: ${p.type}${def}${p.description ? `  — ${p.description}` : ''}`);
      }
      if (filter)
        lines.push(
          '',
          '  example:',
          ...YAML.stringify(unit.example)
            .trimEnd()
            .split('\n')
            .map((l) => `    ${l}`),
        );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** docs/units.md: the same facts as a Markdown reference (a test keeps the file equal to this). */
export function listUnitsMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# Units: sources, stages and sinks',
    '',
    "Generated from the units' schemas by `npx autodvt list --markdown > docs/units.md`; a test fails",
    "when this file and the schemas differ. Each unit's own file has its doc block; `autodvt list <type>`",
    'prints one unit with its example.',
    '',
  ];
  for (const kind of ['source', 'stage', 'sink'] as const) {
    lines.push(`## ${kind[0]!.toUpperCase()}${kind.slice(1)}s`, '');
    for (const unit of allUnits().filter((u) => u.kind === kind)) {
      lines.push(`### \`${unit.type}\``, '', unit.summary, '');
      const params = describeParameters(unit);
      if (params.length > 0) {
        lines.push('| parameter | type | default | description |', '| --- | --- | --- | --- |');
        for (const p of params) {
          const def = p.default !== undefined ? `\`${cell(JSON.stringify(p.default))}\`` : p.required ? 'required' : '';
          lines.push(`| \`${p.name}\` | ${cell(p.type)} | ${def} | ${cell(p.description ?? '')} |`);
        }
        lines.push('');
      }
      lines.push('```yaml', YAML.stringify(unit.example).trimEnd(), '```', '');
    }
  }
  return lines.join('\n');
}

export function listUnitsJson(): unknown {
  return allUnits().map((u) => ({ kind: u.kind, type: u.type, summary: u.summary, parameters: describeParameters(u), example: u.example }));
}
