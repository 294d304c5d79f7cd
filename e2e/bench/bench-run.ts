/** Clean-up steps a benchmark registers as it starts things (servers, browsers, temp dirs); run last first. */
export const cleanups: (() => Promise<void> | void)[] = [];

async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error('clean-up step failed:', error);
    }
  }
}

/**
 * Runs a benchmark's `main` within `deadlineMs`, cleaning up whatever it
 * started on success, failure, the deadline (exit 2) or Ctrl-C (exit 130).
 */
export async function runBench(name: string, deadlineMs: number, main: () => Promise<void>): Promise<void> {
  const deadline = setTimeout(() => {
    console.error(`${name}: over its ${deadlineMs / 1000} s budget, stopping`);
    void cleanUp().finally(() => process.exit(2));
  }, deadlineMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    await main();
  } catch (error) {
    console.error(`${name} failed:`, error);
    process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    await cleanUp();
  }
}

/** A benchmark setting from the environment: a positive whole number, or `fallback` when unset. */
export function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}
