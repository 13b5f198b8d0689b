/**
 * A run's flow bookkeeping, kept out of building and fan-out: the in-flight gate
 * (frames between the source and the sinks), the live queue and its drop policy
 * for sources that cannot wait, and the live metrics (latency from capture to
 * result, time per stage, counters) with their periodic `metrics` events.
 *
 *   const flow = new RunFlow(config, clock, side, warn);
 *   const staged$ = flow.aroundStages(flow.fromSource(source$), stageOps);
 *   merged events → flow.atSinks(e) → sinks
 *
 * `side` receives the events that do not come from the source (metrics); it is
 * completed when the stages finish.
 */
import { finalize, tap, type Observable, type OperatorFunction } from 'rxjs';
import { unlimitedFlow, type Clock, type FlowControl } from '../core/context.js';
import { resultKindOf } from '../core/config/event-flow.js';
import { InFlightGate } from './in-flight-gate.js';
import { resolveFlow, type ResolvedFlow } from './flow-policy.js';
import { LiveMetrics } from './live-metrics.js';
import { liveQueue, newLiveQueueStats, type LiveQueueStats } from './live-queue.js';
import type { PipelineConfig, UnitConfig } from '../core/config/pipeline-schema.js';
import type { MetricsEvent, PipelineEvent, WarningEvent } from '../core/events.js';

type Warn = (message: string, more?: Partial<Pick<WarningEvent, 'examId' | 'seq'>>) => void;

export class RunFlow {
  readonly flow: ResolvedFlow;
  readonly gate: InFlightGate;
  private readonly queueStats?: LiveQueueStats;
  private readonly metrics?: LiveMetrics;
  private finalMetrics?: MetricsEvent;

  constructor(
    config: PipelineConfig,
    private readonly clock: Clock,
    private readonly side: { next(event: PipelineEvent): void; complete(): void },
    private readonly warn: Warn,
  ) {
    this.flow = resolveFlow(config);
    this.gate = new InFlightGate(this.flow.maxInFlight);
    this.queueStats = this.flow.policy === 'block' ? undefined : newLiveQueueStats();
    this.metrics =
      this.flow.metricsIntervalMs === undefined
        ? undefined
        : new LiveMetrics({
            clock,
            resultKind: resultKindOf(config.stages),
            stageIds: stageIdsOf(config.stages),
            queue: this.queueStats,
            latencyBudgetMs: this.flow.latencyBudgetMs,
            warn,
          });
  }

  /** What file sources await before each frame: the gate under `block`; nothing for live policies (the live queue waits instead). */
  get sourceFlow(): FlowControl {
    return this.flow.policy === 'block' ? this.gate : unlimitedFlow;
  }

  /** The source's events on their way into the stages: counted, queued under a live policy, entered into the gate. */
  fromSource(source$: Observable<PipelineEvent>): Observable<PipelineEvent> {
    const { metrics, queueStats, flow, gate } = this;
    let head$ = source$;
    if (metrics) head$ = head$.pipe(tap((e) => metrics.fromSource(e)));
    if (queueStats && flow.policy !== 'block') {
      head$ = head$.pipe(liveQueue({ policy: flow.policy, capacity: flow.queue, room: gate, stats: queueStats, clock: this.clock, warn: this.warn }));
    }
    return head$.pipe(
      tap((e) => {
        if (e.kind !== 'frame') return;
        gate.entered(e.seq);
        metrics?.intoStages(e);
      }),
    );
  }

  /** The stages applied in order, each timed when metrics are on; the final metrics go out when they finish. */
  aroundStages(head$: Observable<PipelineEvent>, stageOps: OperatorFunction<PipelineEvent, PipelineEvent>[]): Observable<PipelineEvent> {
    const { metrics, flow } = this;
    const stopMetrics = metrics && flow.metricsIntervalMs ? this.clock.every(flow.metricsIntervalMs, () => this.side.next(metrics.snapshot())) : undefined;
    return stageOps
      .reduce<Observable<PipelineEvent>>((obs, op, i) => {
        if (!metrics) return obs.pipe(op);
        const timer = metrics.stages[i]!;
        return obs.pipe(
          tap((e) => timer.before(e)),
          op,
          tap((e) => timer.after(e)),
        );
      }, head$)
      .pipe(
        finalize(() => {
          stopMetrics?.();
          if (metrics) {
            metrics.finish();
            this.finalMetrics = metrics.snapshot(true);
            this.side.next(this.finalMetrics);
          }
          this.side.complete();
        }),
      );
  }

  /** An event reaching the sinks: a frame leaves the gate; latency is measured. */
  atSinks(event: PipelineEvent): void {
    if (event.kind === 'frame') this.gate.left(event.seq);
    this.metrics?.atSinks(event);
  }

  /** Frames dropped on the way (live queue policy, and stages when metrics are on). */
  get dropped(): number {
    return this.metrics?.dropped ?? this.queueStats?.dropped ?? 0;
  }

  /** The final `metrics` event, once the stages have finished. */
  get lastMetrics(): MetricsEvent | undefined {
    return this.finalMetrics;
  }
}

/** Stage names for metrics counters: the stage's `id`, else its type (numbered when a type repeats). */
function stageIdsOf(stages: UnitConfig[]): string[] {
  return stages.map((s, i) => {
    const id = s.id ?? s.type;
    return stages.some((o, j) => j !== i && (o.id ?? o.type) === id) ? `${id}#${i}` : id;
  });
}
