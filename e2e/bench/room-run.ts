import type { Playback } from '@musync/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { clickPositions } from '../fixtures/click-track.ts';
import { type FixtureSong, seedSongs } from '../fixtures/test-server.ts';
import { openBaseline } from './baseline-client.ts';
import { type Phase, PageRecording, type Schedule } from './click-skew.ts';
import { type Change, Conductor, trueNow } from './conductor.ts';
import { DelayProxy, type LinkProfile } from './delay-proxy.ts';
import { installProbe, PROBE_CONTEXT, PROBE_KEY, type ProbeApi } from './page-probe.ts';

export type Method = 'musync' | 'baseline';

/** A click-track song the bench seeds: a file in the server's TEST_MEDIA_DIR. */
export interface BenchSong {
  readonly id: string;
  readonly title: string;
  readonly artist: string | null;
  readonly duration: number;
  readonly file: string;
}

/** One browser in the room: its clock error and its network. */
export interface Listener {
  readonly name: string;
  readonly clockErrorMs: number;
  readonly link: LinkProfile;
}

interface RoomPlan {
  /**
   * The nodes' ports: one for the embedded server, several for a cluster. The
   * conductor and the seeding use the first; listener i (the late joiner comes
   * last) joins through node i mod n, so with 2 nodes A and C share one, B and D the other.
   */
  readonly nodePorts: readonly number[];
  readonly roomId: string;
  readonly method: Method;
  readonly songs: readonly BenchSong[];
  readonly listeners: readonly Listener[];
  /** Joins once the second song plays. */
  readonly lateJoiner: Listener;
  /** Seconds of uninterrupted play at the end. */
  readonly continuousSeconds: number;
  readonly log: (line: string) => void;
  /** Called when the continuous play begins: nothing changes in this room after that. */
  readonly onSteady?: () => void;
}

export interface RoomRun {
  readonly plan: RoomPlan;
  readonly recordings: readonly PageRecording[];
  readonly phases: readonly Phase[];
  /** True epoch ms the late joiner was sent to the room's page. */
  readonly lateJoinAt: number;
  /** Scheduling lead the server gave each change (anchor − when the command was sent), ms. */
  readonly leads: readonly { readonly label: string; readonly ms: number }[];
}

const DRAIN_EVERY_MS = 2_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Member {
  readonly listener: Listener;
  readonly proxy: DelayProxy;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly recording: PageRecording;
}

/**
 * One room through the whole script: listeners join through their own proxies,
 * the conductor plays, pauses, resumes, skips ±10 s, seeks, moves to the next
 * song, a late joiner arrives, then the room plays on undisturbed.
 */
export async function runRoom(browser: Browser, plan: RoomPlan): Promise<RoomRun> {
  const serverUrl = `http://127.0.0.1:${plan.nodePorts[0]!}`;
  const { log } = plan;
  // seedSongs is typed for the e2e fixture songs; it posts any song of that shape.
  await seedSongs(plan.roomId, plan.songs as readonly FixtureSong[], serverUrl);
  const conductor = await Conductor.join(serverUrl, plan.roomId);
  const members: Member[] = [];
  let drainer: NodeJS.Timeout | undefined;
  const drainAll = async (): Promise<void> => {
    await Promise.all(members.map((m) => drain(m)));
  };
  try {
    for (const [i, listener] of plan.listeners.entries()) members.push(await openMember(browser, plan, listener, nodePort(plan, i)));
    await conductor.untilMembers(1 + plan.listeners.length, 30_000);
    await sleep(2_000); // let every page's clock sync settle
    drainer = setInterval(() => void drainAll(), DRAIN_EVERY_MS);

    const changes: { label: string; change: Change; kind: 'change' | 'pause' }[] = [];
    const step = async (label: string, action: () => Promise<Change>, holdMs: number, kind: 'change' | 'pause' = 'change') => {
      const change = await action();
      changes.push({ label, change, kind });
      log(`${plan.roomId}: ${label} (lead ${(change.dueAt - change.sentAt).toFixed(0)} ms)`);
      await sleep(holdMs);
    };
    await step('start', () => conductor.play(), 8_000);
    await drainAll();
    const silent = members.filter((m) => !m.recording.heardAnything);
    if (silent.length > 0) {
      throw new Error(`no audio from ${silent.map((m) => m.listener.name).join(', ')} 8 s after the start (${silentReason(silent)})`);
    }
    await step('pause', () => conductor.pause(), 2_500, 'pause');
    await step('resume', () => conductor.play(), 6_000);
    await step('+10 s', () => conductor.skip(10), 6_000);
    await step('−10 s', () => conductor.skip(-10), 6_000);
    await step('seek to 60 s', () => conductor.seek(60), 6_000);
    await step('next song', () => conductor.next(), 6_000);

    const lateJoinAt = trueNow();
    log(`${plan.roomId}: late joiner ${plan.lateJoiner.name}`);
    members.push(await openMember(browser, plan, plan.lateJoiner, nodePort(plan, plan.listeners.length)));
    await sleep(Math.max(0, lateJoinAt + 10_000 - trueNow()));
    const continuousFrom = trueNow();
    log(`${plan.roomId}: ${plan.continuousSeconds} s of continuous play`);
    plan.onSteady?.();
    await sleep(plan.continuousSeconds * 1000);
    const end = trueNow();
    clearInterval(drainer);
    drainer = undefined;
    await drainAll();

    const scheduleOf = ({ songId, status, position, anchor }: Playback): Schedule | null => {
      const song = plan.songs.find((s) => s.id === songId);
      return status === 'playing' && song ? { position, anchor, clicks: clickPositions({ duration: song.duration }) } : null;
    };
    const last = changes.at(-1)!.change.playback;
    const marks = [
      ...changes.map(({ label, change, kind }) => ({ label, dueAt: change.dueAt, kind, schedule: scheduleOf(change.playback) })),
      { label: 'late join', dueAt: lateJoinAt, kind: 'hold' as const, schedule: scheduleOf(last) },
      { label: 'continuous', dueAt: continuousFrom, kind: 'hold' as const, schedule: scheduleOf(last) },
    ];
    const phases = marks.map((mark, i) => ({ ...mark, endAt: marks[i + 1]?.dueAt ?? end }));
    return {
      plan,
      recordings: members.map((m) => m.recording),
      phases,
      lateJoinAt,
      leads: changes.map(({ label, change }) => ({ label, ms: change.dueAt - change.sentAt })),
    };
  } finally {
    clearInterval(drainer);
    conductor.close();
    for (const member of members) {
      await member.context.close().catch(() => undefined);
      await member.proxy.close();
    }
  }
}

/** The node listener number `index` joins through. */
const nodePort = (plan: RoomPlan, index: number): number => plan.nodePorts[index % plan.nodePorts.length]!;

async function openMember(browser: Browser, plan: RoomPlan, listener: Listener, port: number): Promise<Member> {
  const proxy = await DelayProxy.start(port, listener.link);
  const context = await browser.newContext(PROBE_CONTEXT);
  await context.addInitScript(installProbe, { clockErrorMs: listener.clockErrorMs, key: PROBE_KEY });
  const page = await context.newPage();
  page.on('pageerror', (error) => plan.log(`${plan.roomId}/${listener.name}: page error: ${error.message}`));
  if (process.env['SYNC_BENCH_DEBUG']) page.on('console', (m) => plan.log(`${plan.roomId}/${listener.name}: ${m.text()}`));
  if (plan.method === 'baseline') {
    await openBaseline(page, proxy.url, { roomId: plan.roomId, username: listener.name });
  } else {
    await page.goto(`${proxy.url}/r/${plan.roomId}`);
    await page.getByTestId('username-input').fill(listener.name);
    await page.getByTestId('join-button').click(); // the click also unlocks audio
  }
  return { listener, proxy, context, page, recording: new PageRecording(listener.name) };
}

function silentReason(silent: readonly Member[]): string {
  const errors = silent.flatMap((m) => m.recording.errors);
  return errors.length > 0 ? errors.join('; ') : 'no click reached the speakers';
}

async function drain(member: Member): Promise<void> {
  try {
    const data = await member.page.evaluate(
      (key) => (window as unknown as Record<string, ProbeApi | undefined>)[key]?.drain() ?? null,
      PROBE_KEY,
    );
    if (data) member.recording.add(data);
  } catch {
    // The page is navigating or closing; the next drain picks its data up.
  }
}
