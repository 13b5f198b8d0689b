/**
 * A real Orthanc with the DICOMweb plugin for tests.
 *
 * CI (`.ci/run`) starts one and sets AUTODVT_TEST_ORTHANC_URL (+ _AUTH "user:password");
 * a test then uses it and fails clearly when it does not answer. Without the variable
 * the test starts its own Orthanc (Debian packages `orthanc orthanc-dicomweb`) in a
 * temporary folder on free ports, and is skipped with a message when the binary is
 * missing — except in CI (CI set), where a missing server is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Orthanc {
  /** REST root, e.g. http://127.0.0.1:8042 */
  url: string;
  dicomweb: string;
  /** Authorization header value. */
  auth: string;
  upload(file: string): Promise<{ sopInstanceUid: string; studyUid: string; seriesUid: string }>;
  stop(): Promise<void>;
}

const PLUGIN_DIRS = ['/usr/share/orthanc/plugins', '/usr/lib/orthanc/plugins', '/usr/local/share/orthanc/plugins'];

export function orthancUnavailable(): string | undefined {
  if (process.env.AUTODVT_TEST_ORTHANC_URL) return undefined;
  const missing = !findBinary() ? 'Orthanc is not installed' : !findPlugin() ? 'the Orthanc DICOMweb plugin is not installed' : undefined;
  if (missing && process.env.CI)
    throw new Error(`${missing}: CI must provide it (.ci/run installs orthanc orthanc-dicomweb and sets AUTODVT_TEST_ORTHANC_URL)`);
  return missing ? `${missing} (apt-get install orthanc orthanc-dicomweb) — skipping the Orthanc tests` : undefined;
}

function findBinary(): string | undefined {
  for (const name of ['Orthanc', '/usr/sbin/Orthanc']) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return name;
  }
  return undefined;
}

function findPlugin(): string | undefined {
  return PLUGIN_DIRS.map((d) => path.join(d, 'libOrthancDicomWeb.so')).find((f) => fs.existsSync(f));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startOrthanc(): Promise<Orthanc> {
  const external = process.env.AUTODVT_TEST_ORTHANC_URL;
  if (external) {
    const [user, password] = (process.env.AUTODVT_TEST_ORTHANC_AUTH ?? 'autodvt:autodvt').split(':');
    const server = handle(external.replace(/\/+$/, ''), basic(user!, password!), undefined);
    await waitUntilUp(server, 5_000, `AUTODVT_TEST_ORTHANC_URL=${external} does not answer: is Orthanc running (see .ci/run)?`);
    return server;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-orthanc-'));
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const config = {
    Name: 'autodvt-test',
    StorageDirectory: path.join(dir, 'db'),
    IndexDirectory: path.join(dir, 'db'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { autodvt: 'autodvt' },
    Plugins: [findPlugin()],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  fs.writeFileSync(path.join(dir, 'orthanc.json'), JSON.stringify(config, null, 2));
  const log = fs.openSync(path.join(dir, 'orthanc.log'), 'w');
  const child = spawn(findBinary()!, [path.join(dir, 'orthanc.json')], { stdio: ['ignore', log, log] });
  const server = handle(`http://127.0.0.1:${httpPort}`, basic('autodvt', 'autodvt'), child);
  await waitUntilUp(server, 20_000, `Orthanc did not start; see ${path.join(dir, 'orthanc.log')}`);
  return server;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function handle(url: string, auth: string, child: ChildProcess | undefined): Orthanc {
  return {
    url,
    dicomweb: `${url}/dicom-web`,
    auth,
    async upload(file) {
      const res = await fetch(`${url}/instances`, { method: 'POST', body: fs.readFileSync(file), headers: { Authorization: auth } });
      if (!res.ok) throw new Error(`upload of ${file} to Orthanc failed: HTTP ${res.status}`);
      const { ID } = (await res.json()) as { ID: string };
      const tags = (await (await fetch(`${url}/instances/${ID}/simplified-tags`, { headers: { Authorization: auth } })).json()) as Record<string, string>;
      return { sopInstanceUid: tags.SOPInstanceUID!, studyUid: tags.StudyInstanceUID!, seriesUid: tags.SeriesInstanceUID! };
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function waitUntilUp(server: Orthanc, timeoutMs: number, message: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${server.url}/system`, { headers: { Authorization: server.auth } });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(message);
}
