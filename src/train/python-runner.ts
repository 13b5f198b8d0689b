/**
 * Run a script of `training/` with Debian's PyTorch: `/usr/bin/python3` (or
 * `AUTODVT_PYTHON`), after checking that torch, onnx and numpy import. A missing package
 * is an environment failure (exit 1) that says what to install. The script's stderr and
 * stdout (its progress) are passed to `progress` line by line.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AutodvtError, InputError } from '../core/errors.js';

export const TRAINING_DIR = path.resolve(import.meta.dirname, '../../training');
const INSTALL_HINT =
  "install Debian's PyTorch: apt-get install python3-torch python3-onnx python3-numpy (or point AUTODVT_PYTHON at a python3 that has torch, onnx and numpy)";

export function pythonExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.AUTODVT_PYTHON || '/usr/bin/python3';
}

/** Throws an environment error naming what is missing; returns torch's version and whether CUDA is usable. */
export function checkPythonTraining(python = pythonExecutable()): { torch: string; cuda: boolean } {
  if (!fs.existsSync(path.join(TRAINING_DIR, 'train_own_data.py'))) {
    throw new AutodvtError(`the Python training code is not here (${TRAINING_DIR})`, {
      scope: 'train:python',
      hint: 'the npm package leaves training/ out: run autodvt train from a clone of the repository',
    });
  }
  const probe = spawnSync(
    python,
    [
      '-c',
      'import json, importlib\nmissing=[]\nfor m in ("torch","onnx","numpy"):\n    try: importlib.import_module(m)\n    except Exception: missing.append(m)\nif missing: print(json.dumps({"missing": missing}))\nelse:\n    import torch; print(json.dumps({"torch": torch.__version__, "cuda": bool(torch.cuda.is_available())}))',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (probe.error || probe.status !== 0) {
    throw new AutodvtError(`cannot run ${python} (${probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`})`, {
      scope: 'train:python',
      hint: INSTALL_HINT,
    });
  }
  const result = JSON.parse(probe.stdout.trim().split('\n').pop() ?? '{}') as { missing?: string[]; torch?: string; cuda?: boolean };
  if (result.missing?.length) {
    const pkgs = result.missing.map((m) => `python3-${m}`).join(' ');
    throw new AutodvtError(`${python} lacks the Python package${result.missing.length > 1 ? 's' : ''} ${result.missing.join(', ')}`, {
      scope: 'train:python',
      hint: `apt-get install ${pkgs} (training needs python3-torch python3-onnx python3-numpy)`,
    });
  }
  return { torch: result.torch ?? '?', cuda: Boolean(result.cuda) };
}

export interface RunPythonOptions {
  script: string;
  args: string[];
  progress: (line: string) => void;
  signal?: AbortSignal;
  python?: string;
}

/** Resolves when the script exits 0; rejects with its last stderr lines otherwise. */
export function runTrainingScript(o: RunPythonOptions): Promise<void> {
  const python = o.python ?? pythonExecutable();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [path.join(TRAINING_DIR, o.script), ...o.args], {
      cwd: TRAINING_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const tail: string[] = [];
    const lines = (stream: NodeJS.ReadableStream) => {
      let buffer = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          tail.push(line);
          if (tail.length > 20) tail.shift();
          o.progress(line);
        }
      });
      stream.on('end', () => buffer && o.progress(buffer));
    };
    lines(child.stdout);
    lines(child.stderr);
    const onAbort = () => child.kill('SIGINT');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => reject(new AutodvtError(`cannot start ${python}: ${err.message}`, { scope: 'train:python', hint: INSTALL_HINT })));
    child.on('close', (code, sig) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolve();
      else {
        const last = tail
          .filter((l) => l.trim())
          .slice(-6)
          .join('\n');
        const userError = tail.filter((l) => l.startsWith('error: ')).pop();
        if (code === 2 && userError) return reject(new InputError(userError.slice('error: '.length), { scope: 'train' }));
        reject(
          new AutodvtError(`training/${o.script} failed (${sig ?? `exit ${code}`})${last ? `:\n${last}` : ''}`, {
            scope: 'train:python',
            hint: o.signal?.aborted ? 'interrupted: run the same command with --resume to continue from the last finished epoch' : undefined,
          }),
        );
      }
    });
  });
}
