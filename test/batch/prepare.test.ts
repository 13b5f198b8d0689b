import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPipelineOnce, preparePipeline } from '../../src/batch/prepare.js';
import { formatProblem } from '../../src/core/errors.js';

describe('checkPipelineOnce', () => {
  it('places a sink problem at the file:line of the sink as written, past the sinks a batch leaves out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-prepare-'));
    const file = path.join(dir, 'p.yaml');
    fs.writeFileSync(
      file,
      [
        'source:\n  type: dicom-cine\n  path: unused.dcm',
        'stages:\n  - type: sliding-window\n    size: 9\n  - type: onnx-inference\n    providers: [cpu]',
        'sinks:\n  - type: console\n  - type: json-log\n    path: events.ndjson\n',
      ].join('\n'),
    );
    const prepared = preparePipeline(file);
    const problems = await checkPipelineOnce(prepared, { kind: 'file', key: 'a', file: path.join(dir, 'a.dcm') }, { linksDir: dir, sinksDir: dir });
    const sink = problems.find((p) => p.unitType === 'json-log');
    expect(sink).toMatchObject({ path: 'sinks[1]', file, line: 11, column: 5, severity: 'warning' });
    expect(formatProblem(sink!)).toMatch(new RegExp(`^⚠ ${file}:11:5 → sinks\\[1\\] \\(json-log\\): `));
  });
});
