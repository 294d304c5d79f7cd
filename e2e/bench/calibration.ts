import type { Browser, Page } from 'playwright-core';

import { clickPositions } from '../fixtures/click-track.ts';
import { groupClicks, PageRecording, percentile, scheduleError } from './click-skew.ts';
import { trueNow } from './conductor.ts';
import { installProbe, PROBE_CONTEXT, PROBE_KEY, type ProbeApi } from './page-probe.ts';
import type { BenchSong } from './room-run.ts';

export interface Calibration {
  /** Click instants every page rendered. */
  readonly clicks: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** Largest |lateness| of any click against the common schedule (ms). */
  readonly worstScheduleErrorMs: number;
}

const PLAY_MS = 10_000;

/**
 * The measurement's own floor: pages with the same wrong clocks as the
 * scenarios, on the same server but without proxies, start the same click
 * track at one true moment with `start(when, offset)`, scheduled from the true
 * clocks. Whatever skew the tap reports here is the bench's, not a player's.
 */
export async function calibrate(browser: Browser, serverPort: number, song: BenchSong, clockErrors: readonly number[]): Promise<Calibration> {
  const origin = `http://127.0.0.1:${serverPort}`;
  const pages: { page: Page; recording: PageRecording }[] = [];
  let startAt = Number.NaN;
  try {
    for (const clockErrorMs of clockErrors) {
      const context = await browser.newContext(PROBE_CONTEXT);
      await context.addInitScript(installProbe, { clockErrorMs, key: PROBE_KEY });
      const page = await context.newPage();
      await page.goto(`${origin}/api/health`);
      await page.evaluate(async (url) => {
        const scope = window as unknown as Record<string, unknown>;
        const audio = new AudioContext();
        await audio.resume();
        scope['calibrationContext'] = audio;
        scope['calibrationBuffer'] = await audio.decodeAudioData(await (await fetch(url)).arrayBuffer());
      }, `/api/test/media/${song.file}`);
      pages.push({ page, recording: new PageRecording(`calibration ${clockErrorMs}`) });
    }
    startAt = trueNow() + 1_000;
    await Promise.all(
      pages.map(({ page }) =>
        page.evaluate(
          ({ key, startAt }) => {
            const scope = window as unknown as Record<string, unknown>;
            const probe = scope[key] as ProbeApi;
            const audio = scope['calibrationContext'] as AudioContext;
            const stamp = probe.trueOutputTimestamp(audio);
            const when = stamp.contextTime! + (startAt - performance.timeOrigin - stamp.performanceTime!) / 1000;
            const source = audio.createBufferSource();
            source.buffer = scope['calibrationBuffer'] as AudioBuffer;
            source.connect(audio.destination);
            source.start(when, 0);
          },
          { key: PROBE_KEY, startAt },
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, startAt + PLAY_MS - trueNow()));
    for (const { page, recording } of pages) {
      recording.add(await page.evaluate((key) => (window as unknown as Record<string, ProbeApi>)[key]!.drain(), PROBE_KEY));
    }
  } finally {
    for (const { page } of pages) await page.context().close();
  }
  const clicks = pages.flatMap(({ recording }) => recording.clicks().times.map((at) => ({ page: recording.name, at })));
  const groups = groupClicks(clicks).filter((g) => g.times.size === pages.length);
  const spreads = groups.map((g) => Math.max(...g.times.values()) - Math.min(...g.times.values()));
  const schedule = { position: 0, anchor: startAt, clicks: clickPositions({ duration: song.duration }) };
  return {
    clicks: groups.length,
    p50: percentile(spreads, 50),
    p95: percentile(spreads, 95),
    max: spreads.length > 0 ? Math.max(...spreads) : Number.NaN,
    worstScheduleErrorMs: Math.max(0, ...clicks.map(({ at }) => Math.abs(scheduleError(at, schedule)))),
  };
}
