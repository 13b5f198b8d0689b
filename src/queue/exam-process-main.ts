/** Entry of the child process an isolated queue job runs in (exam-process.ts). */
import { serveExamProcess } from './exam-process.js';

serveExamProcess();
