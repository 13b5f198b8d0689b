/** The sha256 of a file's bytes (hex), read as a stream: how a training input is named in provenance. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
