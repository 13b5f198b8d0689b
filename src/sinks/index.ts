/** Every sink unit, registered explicitly. A test checks each is here. */
import { consoleSink } from './console.js';
import { datasetSink } from './dataset.js';
import { evaluateSink } from './evaluate.js';
import { framesSink } from './frames.js';
import { jsonLogSink } from './json-log.js';
import type { SinkSpec } from '../unit.js';

export const sinks: SinkSpec<any>[] = [consoleSink, jsonLogSink, framesSink, datasetSink, evaluateSink];
