/** Every sink unit, registered explicitly. A test checks each is here. */
import { consoleSink } from './console.js';
import { datasetSink } from './dataset.js';
import { evaluateSink } from './evaluate.js';
import { framesSink } from './frames.js';
import { hudSink } from './hud/index.js';
import { jsonLogSink } from './json-log.js';
import { overlayVideoSink } from './overlay-video/index.js';
import { reportSink } from './report/index.js';
import type { SinkSpec } from '../core/unit.js';

export const sinks: SinkSpec<any>[] = [consoleSink, jsonLogSink, framesSink, datasetSink, evaluateSink, hudSink, overlayVideoSink, reportSink];
