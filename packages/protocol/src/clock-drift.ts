/**
 * The drift of a client's clock against the server's, from a window of
 * exchanges: device clocks run 10–100 ppm off, so over a long window the
 * offset is a line, offset(t) = θ + ρ·t, not a constant.
 *
 * Each direction's delays ride on that line: t1 − t0 = offset(t) + up and
 * t3 − t2 = down − offset(t). Queueing only ever adds delay, so each direction's
 * points lie above a line of slope +ρ (up) or −ρ (down), and their least delays
 * touch it. Of the lines below all points, the one with the least sum of
 * distances to them (Moon, Skelly and Towsley, "Estimation and removal of clock
 * skew from network delay measurements", INFOCOM 1999: a linear programme) is
 * the edge of the points' lower convex hull above their mean time; its slope is
 * the direction's estimate of the drift. The two directions see the drift with
 * opposite signs and the same size, so their half-difference is the estimate
 * (a path whose floor changes in both directions alike, a route change, cancels).
 */

/** One direction's delay (ms) measured at client time `t` (ms). */
export interface DelayPoint {
  readonly t: number;
  readonly delay: number;
}

/**
 * The slope of the Moon–Skelly–Towsley line below `points` (ms per ms), or null
 * if they span no time. O(n) for points in time order (O(n log n) otherwise).
 */
export function lowerEnvelopeSlope(points: readonly DelayPoint[]): number | null {
  const sorted = isInTimeOrder(points) ? points : [...points].sort((a, b) => a.t - b.t);
  const hull = lowerHull(sorted);
  if (hull.length < 2) return null;
  const meanT = sorted.reduce((sum, p) => sum + p.t, 0) / sorted.length;
  // The hull spans [first t, last t] and the mean lies within: find its edge.
  let previous: DelayPoint | undefined;
  for (const p of hull) {
    if (previous && p.t >= meanT) return (p.delay - previous.delay) / (p.t - previous.t);
    previous = p;
  }
  return null;
}

function isInTimeOrder(points: readonly DelayPoint[]): boolean {
  let last = -Infinity;
  for (const p of points) {
    if (p.t < last) return false;
    last = p.t;
  }
  return true;
}

/** Andrew's monotone chain, lower half; of points at the same time only the lowest stays. */
function lowerHull(sorted: readonly DelayPoint[]): DelayPoint[] {
  const hull: DelayPoint[] = [];
  for (const p of sorted) {
    const last = hull[hull.length - 1];
    if (last && last.t === p.t) {
      if (p.delay >= last.delay) continue;
      hull.pop();
    }
    while (isAboveHullEnd(hull, p)) hull.pop();
    hull.push(p);
  }
  return hull;
}

/** Whether the hull's last point lies on or above the line from the one before it to `p`. */
function isAboveHullEnd(hull: readonly DelayPoint[], p: DelayPoint): boolean {
  const o = hull[hull.length - 2];
  const a = hull[hull.length - 1];
  return o !== undefined && a !== undefined && cross(o, a, p) <= 0;
}

/** > 0 when o → a → b turns counter-clockwise (b above the line through o and a). */
function cross(o: DelayPoint, a: DelayPoint, b: DelayPoint): number {
  return (a.t - o.t) * (b.delay - o.delay) - (a.delay - o.delay) * (b.t - o.t);
}
