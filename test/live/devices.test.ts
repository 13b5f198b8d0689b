import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCaptureDevices, parseAvfoundationDevices, parseDshowDevices, parseV4l2Formats } from '../../src/live/list-devices.js';

const V4L2 = `[video4linux2,v4l2 @ 0x5581] Compressed:       mjpeg :          Motion-JPEG : 1920x1080 1280x720 640x480
[video4linux2,v4l2 @ 0x5581] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 1280x720
/dev/video0: Immediate exit requested`;

const AVFOUNDATION = `[AVFoundation indev @ 0x7f8] AVFoundation video devices:
[AVFoundation indev @ 0x7f8] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7f8] [1] Capture screen 0
[AVFoundation indev @ 0x7f8] AVFoundation audio devices:
[AVFoundation indev @ 0x7f8] [0] MacBook Pro Microphone
: Input/output error`;

const DSHOW_NEW = `[dshow @ 000001] "USB Capture HDMI" (video)
[dshow @ 000001]   Alternative name "@device_pnp_\\\\?\\usb#vid_534d"
[dshow @ 000001] "Microphone (USB Capture HDMI)" (audio)`;

const DSHOW_OLD = `[dshow @ 000001] DirectShow video devices (some may be both video and audio devices)
[dshow @ 000001]  "Integrated Camera"
[dshow @ 000001]     Alternative name "@device_pnp_x"
[dshow @ 000001] DirectShow audio devices
[dshow @ 000001]  "Microphone Array"`;

describe('autodvt devices', () => {
  it('reads V4L2 formats from ffmpeg -list_formats', () => {
    expect(parseV4l2Formats(V4L2)).toEqual(['compressed mjpeg (Motion-JPEG): 1920x1080 1280x720 640x480', 'raw yuyv422 (YUYV 4:2:2): 640x480 1280x720']);
  });

  it('reads AVFoundation and DirectShow video devices, not audio ones', () => {
    expect(parseAvfoundationDevices(AVFOUNDATION).map((d) => [d.device, d.name])).toEqual([
      ['0', 'FaceTime HD Camera'],
      ['1', 'Capture screen 0'],
    ]);
    expect(parseDshowDevices(DSHOW_NEW).map((d) => d.device)).toEqual(['video=USB Capture HDMI']);
    expect(parseDshowDevices(DSHOW_OLD).map((d) => d.device)).toEqual(['video=Integrated Camera']);
  });

  it('lists /dev/video* nodes with their names and formats, and notes the ones that cannot capture', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-dev-'));
    const dev = path.join(dir, 'dev');
    const sys = path.join(dir, 'sys');
    fs.mkdirSync(dev);
    for (const n of ['video0', 'video1', 'video10', 'null']) fs.writeFileSync(path.join(dev, n), '');
    fs.mkdirSync(path.join(sys, 'video0'), { recursive: true });
    fs.writeFileSync(path.join(sys, 'video0', 'name'), 'USB Video: USB Video\n');
    const asked: string[] = [];
    const listing = await listCaptureDevices({
      platform: 'linux',
      devDir: dev,
      sysDir: sys,
      run: async (args) => {
        asked.push(args.at(-1)!);
        return { code: 1, stderr: args.at(-1)!.endsWith('video0') ? V4L2 : '[video4linux2] Not a video capture device.' };
      },
    });
    expect(asked.map((a) => path.basename(a))).toEqual(['video0', 'video1', 'video10']);
    expect(listing.devices[0]).toMatchObject({ device: path.join(dev, 'video0'), name: 'USB Video: USB Video', backend: 'v4l2' });
    expect(listing.devices[0]!.formats).toHaveLength(2);
    expect(listing.devices[1]!.note).toMatch(/not a video capture node/);
  });

  it('says clearly when there is no device', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autodvt-dev-'));
    const listing = await listCaptureDevices({ platform: 'linux', devDir: dir, run: async () => ({ code: 1, stderr: '' }) });
    expect(listing).toMatchObject({ backend: 'v4l2', devices: [] });
    const { main } = await import('../../src/cli/main.js');
    if (fs.readdirSync('/dev').some((n) => /^video\d+$/.test(n))) return; // a machine with a camera lists it instead
    const out: string[] = [];
    const code = await main(['devices'], { stdout: { write: (s: string) => out.push(s) } as never, stderr: { write: () => true } as never });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^No capture devices found \(looked at \/dev\/video\* \(V4L2\)\)/);
  });
});
