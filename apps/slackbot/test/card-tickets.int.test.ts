import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { testRedisUrl } from "@leash/core/testing";

import { markCardShown, planCardDrawing, startCardDrawing } from "../src/cards/card-tickets.ts";

let redis: Redis;
const gap = 1000;
const keyPrefix = `card-tickets-test-${randomUUID()}`;

beforeAll(() => {
  redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/** A batch card of its own. */
function freshCard() {
  const deps = { redis, keyPrefix };
  const card = `batch:${randomUUID()}` as const;
  return {
    plan: (jobId: string, now: number, ticket?: number) => planCardDrawing(deps, card, { ticket, jobId, leastGapMs: gap, now }),
    start: (now: number) => startCardDrawing(deps, card, { leastGapMs: gap, now }),
    shown: (upTo: number, drawnAt: number) => markCardShown(deps, card, { upTo, drawnAt }),
  };
}

describe("the drawings of a batch card", () => {
  it("the first event draws now, the ones meanwhile join it, and the drawing shows every ticket taken before it started", async () => {
    const card = freshCard();
    const first = await card.plan("job-1", 10_000);
    expect(first).toEqual({ ticket: 1, kind: "drawing", waitMs: 0 });
    expect(await card.plan("job-2", 10_001)).toEqual({ ticket: 2, kind: "joined" });
    expect(await card.plan("job-3", 10_002)).toEqual({ ticket: 3, kind: "joined" });

    expect(await card.start(10_003)).toEqual({ kind: "draw", upTo: 3, shownUpTo: 0 });
    // Taken after the drawing started: it may not show this change, so this event plans the next drawing, a second after.
    expect(await card.plan("job-4", 10_004)).toEqual({ ticket: 4, kind: "drawing", waitMs: 0 });
    await card.shown(3, 10_010);
    expect(await card.plan("job-5", 10_020)).toEqual({ ticket: 5, kind: "joined" });
    // job-4 comes back: it is still the next drawing, due a second after the last one.
    expect(await card.plan("job-4", 10_030, 4)).toEqual({ ticket: 4, kind: "drawing", waitMs: 980 });
    expect(await card.start(10_500)).toEqual({ kind: "wait", waitMs: 510 });
    expect(await card.start(11_010)).toEqual({ kind: "draw", upTo: 5, shownUpTo: 3 });
    await card.shown(5, 11_020);
    expect(await card.plan("job-2", 11_030, 2)).toEqual({ ticket: 2, kind: "covered" });
  });

  it("a drawing's job run again (its bot died, or Slack refused the card) is still the drawing, even with a ticket of its own shown meanwhile", async () => {
    const card = freshCard();
    expect(await card.plan("job-1", 20_000)).toMatchObject({ kind: "drawing" });
    expect(await card.plan("job-2", 20_001)).toEqual({ ticket: 2, kind: "joined" });
    // Another event drew the card up to ticket 1 (a rollback report): job-2's change may not be on it.
    await card.shown(1, 20_002);
    expect(await card.plan("job-1", 20_003)).toMatchObject({ kind: "drawing" });
    // Slack refused the drawing after it started: nothing is pending, so the job, retried, draws again.
    expect(await card.start(21_002)).toEqual({ kind: "draw", upTo: 3, shownUpTo: 1 });
    expect(await card.plan("job-1", 22_000, 3)).toEqual({ ticket: 3, kind: "drawing", waitMs: 0 });
  });

  it("a drawing pending half a minute past its due time is presumed lost: the next event draws instead", async () => {
    const card = freshCard();
    expect(await card.plan("job-lost", 30_000)).toMatchObject({ kind: "drawing", waitMs: 0 });
    expect(await card.plan("job-2", 59_000)).toEqual({ ticket: 2, kind: "joined" });
    expect(await card.plan("job-3", 60_001)).toEqual({ ticket: 3, kind: "drawing", waitMs: 0 });
    expect(await card.plan("job-lost", 60_002, 1)).toEqual({ ticket: 1, kind: "joined" });
  });
});
