/**
 * The upload bench's ceiling reference: about the least a Node server can do to
 * receive a file, a `node:http` server that streams each request body to a
 * file and answers with the byte count once the file is written and closed.
 * No parsing, hashing or checks. Runs in its own process, like the Musync
 * server it is compared with, and prints its port as the first line.
 * Run: `node e2e/bench/upload/http-sink.ts <directory>`.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node http-sink.ts <directory>');

async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = join(dir!, randomUUID());
  const file = createWriteStream(path);
  try {
    await pipeline(request, file);
    response.end(JSON.stringify({ bytes: file.bytesWritten }));
  } catch (error) {
    response.statusCode = 500;
    response.end(error instanceof Error ? error.message : String(error));
  } finally {
    await rm(path, { force: true });
  }
}

const server = createServer((request, response) => void receive(request, response));
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
