import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

import { Controller, Get, Logger, NotFoundException, Param, Req, Res } from '@nestjs/common';

import { parseRange } from './byte-range.js';
import { MediaStore, type MediaKind } from './media.store.js';

/** Ids are content hashes: a URL's bytes never change, so caches may keep them for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Audio and cover art by content id, with Range, HEAD, ETag and long-lived caching. */
@Controller('api/media')
export class MediaController {
  private readonly logger = new Logger(MediaController.name);

  constructor(private readonly media: MediaStore) {}

  @Get(':id')
  audio(@Param('id') id: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(id, 'audio', req, res);
  }

  @Get(':id/cover')
  cover(@Param('id') id: string, @Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(id, 'cover', req, res);
  }

  private async serve(id: string, kind: MediaKind, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = await this.media.find(id, kind);
    if (!file) throw new NotFoundException(kind === 'audio' ? 'No such media.' : 'No cover for this media.');
    const etag = `"${id}${kind === 'cover' ? '-cover' : ''}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', file.modified.toUTCString());
    res.setHeader('Cache-Control', IMMUTABLE);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Type', file.mime);
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    // If-Range with another validator asks for the whole (changed) file; ours never change, but honour it.
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, file.size);
    if (range === 'unsatisfiable') {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${file.size}`);
      res.removeHeader('Content-Type');
      res.end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: file.size - 1 };
    res.statusCode = range ? 206 : 200;
    if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
    res.setHeader('Content-Length', Math.max(0, end - start + 1));
    if (req.method === 'HEAD' || file.size === 0) {
      res.end();
      return;
    }
    try {
      await pipeline(createReadStream(file.path, { start, end }), res);
    } catch (error) {
      // A listener who skips or closes the tab aborts the response; that is no fault.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        this.logger.warn(`serving ${id} (${kind}) failed: ${String(error)}`);
      }
    }
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}
