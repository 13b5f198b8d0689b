import { from, Observable, Subject, toArray, lastValueFrom } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { testContext } from '../../helpers/test-context.js';
import type { PipelineEvent } from '../../../src/core/events.js';
import { compressibilityStage, compressibilityOperator, defaultCompressibilityParams } from '../../../src/stages/compressibility/index.js';
import { exam, landmarkProbabilities, prediction, predictionStream } from './prediction-stream.js';

const ctx = testContext({ unitPath: 'stages[0]', unitType: 'compressibility' });

const { type: _type, ...exampleConfig } = compressibilityStage.example;

describe('compressibility unit', () => {
  it('is declared as the stage `compressibility`', () => {
    expect(compressibilityStage).toMatchObject({ kind: 'stage', type: 'compressibility' });
    expect(compressibilityStage.example.type).toBe('compressibility');
  });

  it('parses its own example', () => {
    expect(compressibilityStage.schema.safeParse(exampleConfig).success).toBe(true);
  });

  it('rejects unknown keys', () => {
    expect(compressibilityStage.schema.safeParse({ minVisitFrames: 5 }).success).toBe(false);
  });

  it('reports every problem at once, each at its path', () => {
    const r = compressibilityStage.schema.safeParse({ enter: 0.5, exit: 0.6, cycleDelta: 1.5, graceS: -1 });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['cycleDelta', 'exit', 'graceS']);
  });

  it('fills every parameter with its default', () => {
    expect(compressibilityStage.schema.parse({})).toEqual(defaultCompressibilityParams);
  });

  it('describes every parameter', () => {
    const shape = compressibilityStage.schema.shape as Record<string, { description?: string }>;
    for (const [key, field] of Object.entries(shape)) expect(field.description, key).toBeTruthy();
  });
});

describe('compressibility operator', () => {
  const events = exam(
    predictionStream(
      [
        { durationS: 1, landmark: 'BG', pClosed: 0.1 },
        { durationS: 1, landmark: 'LM1', pClosed: 0.1 },
        { durationS: 1, landmark: 'LM1', pClosed: 0.97 },
        { durationS: 1, landmark: 'LM1', pClosed: 0.1 },
      ],
      { fps: 15 },
    ),
  );

  it('emits the same events as folding the reducer, then completes', async () => {
    const op = await compressibilityStage.build(compressibilityStage.schema.parse(exampleConfig), ctx);
    const out = await lastValueFrom(from(events).pipe(op, toArray()));
    expect(out.filter((e) => e.kind === 'verdict').map((e) => e.kind === 'verdict' && e.verdict)).toEqual(['compressible']);
    expect(out.at(-1)).toMatchObject({ kind: 'exam', verdict: 'incomplete' });
  });

  it('keeps state per subscription: two subscriptions give the same answer', async () => {
    const op = compressibilityOperator(defaultCompressibilityParams);
    const source = from(events).pipe(op, toArray());
    const [a, b] = await Promise.all([lastValueFrom(source), lastValueFrom(source)]);
    expect(b).toEqual(a);
  });

  it('passes events through in marble time, completes with the source and unsubscribes upstream', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable, expectSubscriptions }) => {
      const w: PipelineEvent = { kind: 'warning', atMs: 0, scope: 'x', message: 'm' };
      const p = prediction(0, 0, landmarkProbabilities('LM1', 0.9), 0.1);
      // A group `(ps)` takes four frames of marble time, so the source completes at frame 7.
      const source = cold<PipelineEvent>('-w-p---|', { w, p });
      const state = expect.objectContaining({ kind: 'state', seq: 0 });
      expectObservable(source.pipe(compressibilityOperator(defaultCompressibilityParams))).toBe('-w-(ps)|', { w, p, s: state });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('unsubscribes upstream when the downstream unsubscribes', () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ hot, expectObservable, expectSubscriptions }) => {
      const w: PipelineEvent = { kind: 'warning', atMs: 0, scope: 'x', message: 'm' };
      const source = hot<PipelineEvent>('-w-w-w-w-', { w });
      expectObservable(source.pipe(compressibilityOperator(defaultCompressibilityParams)), '^--!').toBe('-w-', { w });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('forwards an upstream error', async () => {
    const failing = new Observable<PipelineEvent>((s) => s.error(new Error('decoder died')));
    await expect(lastValueFrom(failing.pipe(compressibilityOperator(defaultCompressibilityParams)))).rejects.toThrow('decoder died');
  });

  it('releases nothing to a late subscriber of a subject: state starts fresh per subscription', async () => {
    const subject = new Subject<PipelineEvent>();
    const op = compressibilityOperator(defaultCompressibilityParams);
    const first = lastValueFrom(subject.pipe(op, toArray()));
    for (const e of events) subject.next(e);
    subject.complete();
    const again = await lastValueFrom(from(events).pipe(op, toArray()));
    expect(await first).toEqual(again);
  });
});
