/**
 * A small DICOMweb client: QIDO-RS searches (studies, series, instances) and WADO-RS
 * retrieval of whole instances as `multipart/related; type="application/dicom"` in
 * their stored transfer syntax (`transfer-syntax=*`), so multi-frame cine loops keep
 * their JPEG frames. Extra headers (e.g. `Authorization: Bearer ...`) go on every
 * request to the server's own origin, never to another one it redirects to
 * (fetch-following-redirects.ts). Credentials written in the URL
 * (`https://user:pass@host/dicom-web`) become a Basic `Authorization` header and are
 * never shown. Errors name the URL and what to do (`[dicomweb] ...`).
 */
import { sleep, systemClock, type Clock } from '../core/context.js';
import { AutodvtError, InputError } from '../core/errors.js';
import { splitUrlCredentials } from '../secrets/redact-url.js';
import { fetchFollowingRedirects } from './fetch-following-redirects.js';
import { parseMultipart } from './multipart.js';
import { TAG, stringValue, type DicomJson } from './dicom-json.js';

const SCOPE = 'dicomweb';

export interface DicomwebClientOptions {
  /** Base URL of the DICOMweb service, e.g. http://localhost:8042/dicom-web */
  url: string;
  headers?: Record<string, string>;
  /** Per request (default 60 s). */
  timeoutMs?: number;
  /** Largest answer read, in bytes (default 512 MiB): a bigger one is refused before it fills memory. */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
  /** Times the back-off between retries (default: the system clock). */
  clock?: Pick<Clock, 'after'>;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 512 * 1024 * 1024;

export interface StudyQuery {
  patientId?: string;
  /** DICOM date or range: `20240131`, `20240101-20240131`. */
  studyDate?: string;
  /** ModalitiesInStudy to match (default none). */
  modality?: string;
  limit?: number;
}

export interface InstanceRef {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  sopClassUid?: string;
  frames?: number;
  instanceNumber?: number;
}

export class DicomwebClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: DicomwebClientOptions) {
    let split: ReturnType<typeof splitUrlCredentials>;
    try {
      split = splitUrlCredentials(opts.url);
    } catch {
      throw new InputError('the DICOMweb url is not a URL', { scope: SCOPE, hint: 'e.g. http://host:8042/dicom-web' });
    }
    this.base = split.url.replace(/\/+$/, '');
    const given = opts.headers ?? {};
    const hasAuthorization = Object.keys(given).some((k) => k.toLowerCase() === 'authorization');
    this.headers = split.authorization && !hasAuthorization ? { Authorization: split.authorization, ...given } : { ...given };
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** The base URL without any credentials: the one to show and to put in events. */
  get baseUrl(): string {
    return this.base;
  }

  async searchStudies(query: StudyQuery = {}, signal?: AbortSignal): Promise<DicomJson[]> {
    const params = new URLSearchParams();
    if (query.patientId) params.set('PatientID', query.patientId);
    if (query.studyDate) params.set('StudyDate', query.studyDate);
    if (query.modality) params.set('ModalitiesInStudy', query.modality);
    if (query.limit) params.set('limit', String(query.limit));
    params.append('includefield', TAG.studyInstanceUid);
    return this.json(`/studies?${params}`, signal);
  }

  async searchSeries(studyUid: string, modality?: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const params = new URLSearchParams();
    if (modality) params.set('Modality', modality);
    const q = params.size ? `?${params}` : '';
    return this.json(`/studies/${encodeURIComponent(studyUid)}/series${q}`, signal);
  }

  async searchInstances(studyUid: string, seriesUid: string, signal?: AbortSignal): Promise<InstanceRef[]> {
    const items = await this.json(`/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/instances`, signal);
    return items
      .map((item) => ({
        studyUid,
        seriesUid,
        sopInstanceUid: stringValue(item, TAG.sopInstanceUid) ?? '',
        sopClassUid: stringValue(item, TAG.sopClassUid),
        frames: numberOrUndefined(stringValue(item, TAG.numberOfFrames)),
        instanceNumber: numberOrUndefined(stringValue(item, TAG.instanceNumber)),
      }))
      .filter((i) => i.sopInstanceUid)
      .sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || (a.sopInstanceUid < b.sopInstanceUid ? -1 : 1));
  }

  /** The instance's DICOM Part 10 bytes (WADO-RS, multipart/related). */
  async retrieveInstance(ref: InstanceRef, signal?: AbortSignal): Promise<Uint8Array> {
    const path = `/studies/${encodeURIComponent(ref.studyUid)}/series/${encodeURIComponent(ref.seriesUid)}/instances/${encodeURIComponent(ref.sopInstanceUid)}`;
    const { body, type } = await this.get(path, 'multipart/related; type="application/dicom"; transfer-syntax=*', signal);
    if (/^application\/dicom/i.test(type)) return body;
    const parts = parseMultipart(body, type).filter((p) => !p.headers['content-type'] || /application\/dicom/i.test(p.headers['content-type']));
    if (parts.length === 0) throw new InputError(`${this.base}${path}: the response holds no application/dicom part`, { scope: SCOPE });
    return parts[0]!.body;
  }

  private async json(path: string, signal?: AbortSignal): Promise<DicomJson[]> {
    const { body, status } = await this.get(path, 'application/dicom+json', signal);
    const text = status === 204 ? '' : new TextDecoder().decode(body);
    if (!text.trim()) return [];
    try {
      const data = JSON.parse(text) as unknown;
      return Array.isArray(data) ? (data as DicomJson[]) : [];
    } catch {
      throw new InputError(`${this.base}${path}: the answer is not DICOM JSON`, { scope: SCOPE });
    }
  }

  /**
   * GET with the whole body read. A connection the server drops (a kept-alive socket
   * closed under us, a reset mid-body) is retried: every request here is idempotent.
   */
  private async get(path: string, accept: string, signal?: AbortSignal): Promise<{ body: Uint8Array; type: string; status: number }> {
    const url = `${this.base}${path}`;
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let res: Response;
      let body: Uint8Array;
      try {
        res = (await fetchFollowingRedirects({ url, accept, headers: this.headers, signal: combined, fetch: this.fetchImpl, scope: SCOPE })).res;
        body = await readBodyWithLimit(res, this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES, url);
      } catch (err) {
        if (signal?.aborted || err instanceof AutodvtError) throw err;
        if (!timeout.aborted && attempt < ATTEMPTS) {
          await sleep(this.opts.clock ?? systemClock, 100 * attempt, signal);
          continue;
        }
        const why = timeout.aborted ? `no answer within ${timeoutMs} ms` : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
        throw new AutodvtError(`cannot reach ${url}: ${why}`, {
          scope: SCOPE,
          cause: err,
          hint: 'check the url (e.g. http://host:8042/dicom-web) and that the server runs',
        });
      }
      if (res.ok) return { body, type: res.headers.get('content-type') ?? '', status: res.status };
      const detail = new TextDecoder().decode(body.subarray(0, 200)).trim();
      const more = detail && !detail.startsWith('<') ? `: ${detail}` : '';
      if (res.status === 401 || res.status === 403) {
        throw new InputError(`${url}: HTTP ${res.status} ${res.statusText}${more}`, {
          scope: SCOPE,
          hint: 'pass credentials with headers: { Authorization: "Bearer <token>" } in the source (or --header "Authorization: ..." for a batch input)',
        });
      }
      if (res.status === 404) throw new InputError(`${url}: not found (HTTP 404)`, { scope: SCOPE, hint: 'check the url and the UIDs' });
      if (res.status >= 500 && attempt < ATTEMPTS) {
        await sleep(this.opts.clock ?? systemClock, 200 * attempt, signal);
        continue;
      }
      throw new AutodvtError(`${url}: HTTP ${res.status} ${res.statusText}${more}`, { scope: SCOPE });
    }
  }
}

const ATTEMPTS = 3;

/**
 * The whole body, refused as soon as it passes `limit` bytes (by its Content-Length
 * when the server sends one, else while reading): a huge or endless answer never
 * fills memory.
 */
async function readBodyWithLimit(res: Response, limit: number, url: string): Promise<Uint8Array> {
  const tooBig = (size: string) =>
    new InputError(`${url}: the answer is ${size}, more than the limit of ${Math.round(limit / 1024 / 1024)} MiB`, {
      scope: SCOPE,
      hint: 'raise maxInstanceMB on the dicomweb source if such instances are expected',
    });
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig(`${Math.round(declared / 1024 / 1024)} MiB`);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooBig('larger');
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

function numberOrUndefined(s: string | undefined): number | undefined {
  const n = s === undefined ? NaN : Number(s);
  return Number.isFinite(n) ? n : undefined;
}
