/** Every source unit, registered explicitly. A test checks each is here. */
import { syntheticSource } from './synthetic.js';
import type { SourceSpec } from '../unit.js';

export const sources: SourceSpec<any>[] = [syntheticSource];
