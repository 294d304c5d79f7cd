/**
 * The system Chromium (Debian's /usr/bin/chromium); Playwright never downloads
 * a browser here. Flags: no sandbox (CI runs as root), no GPU, no calls home,
 * and audio may start without a gesture so playback can be measured.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
