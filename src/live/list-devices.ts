/**
 * The capture devices native ffmpeg can see, for `autodvt devices`:
 *   Linux    /dev/video* nodes (name from sysfs), each with `ffmpeg -f v4l2 -list_formats all`
 *   macOS    `ffmpeg -f avfoundation -list_devices true -i ""`
 *   Windows  `ffmpeg -f dshow -list_devices true -i dummy`
 * The parsers are pure (ffmpeg's stderr in, devices out); the runner is injectable so
 * tests never need a device.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AutodvtError } from '../core/errors.js';
import { ffmpegBinary } from '../video/find-ffmpeg.js';

export type CaptureBackend = 'v4l2' | 'avfoundation' | 'dshow';

export interface CaptureDevice {
  /** What to write as `device:` in a capture-device source. */
  device: string;
  name?: string;
  backend: CaptureBackend;
  /** Pixel formats and sizes, one line each (V4L2 only), e.g. `raw yuyv422 (YUYV 4:2:2): 640x480 1280x720`. */
  formats: string[];
  /** Why the node is probably not usable (e.g. a metadata node). */
  note?: string;
}

export interface DeviceListing {
  backend: CaptureBackend | undefined;
  devices: CaptureDevice[];
  /** What was looked at, for the "none found" message. */
  searched: string;
}

export type RunFfmpeg = (args: string[]) => Promise<{ stderr: string; code: number | null }>;

export interface ListDevicesOptions {
  platform?: NodeJS.Platform;
  run?: RunFfmpeg;
  /** Folder holding the device nodes (default /dev) and the sysfs class folder (default /sys/class/video4linux). */
  devDir?: string;
  sysDir?: string;
}

const TAG = /^(\[[^\]]*\]\s*)+/;

/** `ffmpeg -f v4l2 -list_formats all -i /dev/videoN` stderr → format lines. */
export function parseV4l2Formats(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    // `Raw : yuyv422 : YUYV 4:2:2 : 640x480 1280x720` (the description may hold colons, not ' : ').
    const m = /(Raw|Compressed)\s*:\s*(\S+)\s+:\s+(.*)\s+:\s+(.*)$/.exec(line.replace(TAG, ''));
    if (m) out.push(`${m[1]!.toLowerCase()} ${m[2]} (${m[3]}): ${m[4]!.trim()}`);
  }
  return out;
}

/** `ffmpeg -f avfoundation -list_devices true -i ""` stderr → video devices. */
export function parseAvfoundationDevices(stderr: string): CaptureDevice[] {
  const devices: CaptureDevice[] = [];
  let inVideo = false;
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.replace(/^\[AVFoundation[^\]]*\]\s*/, '');
    if (/AVFoundation video devices/i.test(line)) inVideo = true;
    else if (/AVFoundation audio devices/i.test(line)) inVideo = false;
    else if (inVideo) {
      const m = /^\[(\d+)\]\s+(.+)$/.exec(line.trim());
      if (m) devices.push({ device: m[1]!, name: m[2]!.trim(), backend: 'avfoundation', formats: [] });
    }
  }
  return devices;
}

/** `ffmpeg -f dshow -list_devices true -i dummy` stderr → video devices (old and new ffmpeg layouts). */
export function parseDshowDevices(stderr: string): CaptureDevice[] {
  const devices: CaptureDevice[] = [];
  let section: 'video' | 'audio' | undefined;
  for (const raw of stderr.split(/\r?\n/)) {
    const line = raw.replace(TAG, '').trim();
    if (/DirectShow video devices/i.test(line)) section = 'video';
    else if (/DirectShow audio devices/i.test(line)) section = 'audio';
    const named = /^"([^"]+)"(?:\s+\((video|audio|none)\))?/.exec(line);
    if (!named || /Alternative name/i.test(line)) continue;
    const kind = named[2] ?? section;
    if (kind === 'video') devices.push({ device: `video=${named[1]}`, name: named[1], backend: 'dshow', formats: [] });
  }
  return devices;
}

export const runFfmpeg: RunFfmpeg = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn(ffmpegBinary(), ['-hide_banner', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', (err) =>
      reject(
        new AutodvtError(`cannot run ffmpeg (${ffmpegBinary()}): ${err.message}`, {
          scope: 'devices',
          hint: 'install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg) or set AUTODVT_FFMPEG',
        }),
      ),
    );
    child.once('close', (code) => resolve({ stderr, code }));
  });

export async function listCaptureDevices(options: ListDevicesOptions = {}): Promise<DeviceListing> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runFfmpeg;
  if (platform === 'darwin') {
    const { stderr } = await run(['-f', 'avfoundation', '-list_devices', 'true', '-i', '']);
    return { backend: 'avfoundation', devices: parseAvfoundationDevices(stderr), searched: 'AVFoundation (ffmpeg -f avfoundation -list_devices true)' };
  }
  if (platform === 'win32') {
    const { stderr } = await run(['-f', 'dshow', '-list_devices', 'true', '-i', 'dummy']);
    return { backend: 'dshow', devices: parseDshowDevices(stderr), searched: 'DirectShow (ffmpeg -f dshow -list_devices true)' };
  }
  if (platform !== 'linux') return { backend: undefined, devices: [], searched: `nothing: no capture backend is known for ${platform}` };

  const devDir = options.devDir ?? '/dev';
  const sysDir = options.sysDir ?? '/sys/class/video4linux';
  let nodes: string[] = [];
  try {
    nodes = fs
      .readdirSync(devDir)
      .filter((n) => /^video\d+$/.test(n))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  } catch {
    nodes = [];
  }
  const devices: CaptureDevice[] = [];
  for (const node of nodes) {
    const device = path.join(devDir, node);
    let name: string | undefined;
    try {
      name = fs.readFileSync(path.join(sysDir, node, 'name'), 'utf8').trim() || undefined;
    } catch {
      name = undefined;
    }
    const { stderr } = await run(['-f', 'v4l2', '-list_formats', 'all', '-i', device]);
    const formats = parseV4l2Formats(stderr);
    const note =
      formats.length > 0
        ? undefined
        : /Not a video capture device/i.test(stderr)
          ? 'not a video capture node (often the metadata node of a USB camera)'
          : /Permission denied/i.test(stderr)
            ? 'permission denied: add yourself to the `video` group'
            : /Device or resource busy/i.test(stderr)
              ? 'busy: another program is using it'
              : 'ffmpeg listed no formats';
    devices.push({ device, name, backend: 'v4l2', formats, ...(note ? { note } : {}) });
  }
  return { backend: 'v4l2', devices, searched: `${devDir}/video* (V4L2)` };
}
