/** Every source unit, registered explicitly. A test checks each is here. */
import { captureDeviceSource } from './capture-device.js';
import { dicomCineSource } from './dicom-cine.js';
import { dicomwebSource } from './dicomweb.js';
import { stdinSource } from './stdin.js';
import { syntheticSource } from './synthetic.js';
import { videoFileSource } from './video-file.js';
import type { SourceSpec } from '../core/unit.js';

export const sources: SourceSpec<any>[] = [syntheticSource, dicomCineSource, videoFileSource, captureDeviceSource, stdinSource, dicomwebSource];
