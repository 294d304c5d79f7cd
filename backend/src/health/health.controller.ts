import { Controller, Get } from '@nestjs/common';

/** Liveness: the process is up and serving HTTP. */
@Controller('api/health')
export class HealthController {
  @Get()
  health(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }
}
