import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { FINGERPRINT_WORKER } from './core/local-file';

// Zoneless change detection is Angular's default since v21: no zone.js anywhere.
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    // Bundled by the Angular build as its own file, served from 'self'.
    {
      provide: FINGERPRINT_WORKER,
      useValue: () => new Worker(new URL('./core/fingerprint.worker', import.meta.url), { type: 'module' }),
    },
  ],
};
