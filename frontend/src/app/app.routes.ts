import type { Routes } from '@angular/router';

import { RoomPage } from './room/room-page';

export const routes: Routes = [
  { path: '', component: RoomPage, title: 'Musync' },
  { path: 'r/:room', component: RoomPage, title: 'Musync' },
  { path: '**', redirectTo: '' },
];
