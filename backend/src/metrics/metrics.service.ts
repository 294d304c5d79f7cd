import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { MusyncServer } from '../room/socket.types.js';

/**
 * Prometheus metrics, in a registry of this app's own (tests run several apps
 * in one process). Node's defaults come along: event loop lag
 * (`nodejs_eventloop_lag_seconds`), heap, CPU, handles.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private server: MusyncServer | null = null;

  private readonly events = new Counter({
    name: 'musync_events_total',
    help: 'Client events handled, by event name',
    labelNames: ['event'],
    registers: [this.registry],
  });

  private readonly errors = new Counter({
    name: 'musync_errors_total',
    help: 'Failed acks, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly uploadBytes = new Counter({
    name: 'musync_upload_bytes_total',
    help: 'Upload bytes accepted (acked chunks)',
    registers: [this.registry],
  });

  private readonly syncError = new Histogram({
    name: 'musync_sync_error_ms',
    help: 'Playback error clients measured and reported (absolute, ms)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const connections = (): number => this.server?.engine.clientsCount ?? 0;
    const rooms = (): number => this.activeRooms();
    new Gauge({
      name: 'musync_connections',
      help: 'Open Socket.IO connections',
      registers: [this.registry],
      collect() {
        this.set(connections());
      },
    });
    new Gauge({
      name: 'musync_rooms',
      help: 'Rooms with at least one connection in them',
      registers: [this.registry],
      collect() {
        this.set(rooms());
      },
    });
  }

  /** The Socket.IO server whose connections and rooms are counted. */
  attach(server: MusyncServer): void {
    this.server = server;
  }

  /**
   * Counts one handled client event and its outcome; an accepted upload chunk
   * adds its bytes, an accepted sync report its playback error.
   */
  handled(event: string, payload: unknown, errorCode: string | null): void {
    this.events.inc({ event });
    if (errorCode !== null) {
      this.errors.inc({ code: errorCode });
      return;
    }
    const fields = payload as { data?: { byteLength?: unknown }; errorMs?: unknown } | null;
    if (event === 'upload:chunk' && typeof fields?.data?.byteLength === 'number') this.uploadBytes.inc(fields.data.byteLength);
    if (event === 'sync:report' && typeof fields?.errorMs === 'number') this.syncError.observe(Math.abs(fields.errorMs));
  }

  private activeRooms(): number {
    const rooms = new Set<string>();
    for (const socket of this.server?.sockets.sockets.values() ?? []) {
      const roomId = socket.data.session?.roomId;
      if (roomId) rooms.add(roomId);
    }
    return rooms.size;
  }
}
