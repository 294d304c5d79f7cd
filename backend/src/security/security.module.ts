import { Global, Module } from '@nestjs/common';

import { ConnectionGate } from './connection-gate.js';

/** Admission of connections, shared by the Socket.IO adapter and the shutdown. */
@Global()
@Module({ providers: [ConnectionGate], exports: [ConnectionGate] })
export class SecurityModule {}
