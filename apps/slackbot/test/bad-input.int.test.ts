import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { junkValue, spoiledInput, toJsonText } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { ids } from "../src/ids.ts";
import { buttonClickPayload, sendToBot, signed, slashCommandFields } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, SLACK_USERS, startSlackHarness, type SlackHarness } from "./support.ts";

// Guarantee 3 of RELIABILITY.md for the Slack receiver: unsigned, forged, malformed and hostile
// requests get a 4xx or a plain acknowledgement, never a 5xx, and change nothing. The tenant has no
// actions at all, so any row written would be a bug, whatever the junk happened to name.

const RUNS = 60;

let harness: SlackHarness;

beforeAll(async () => {
  harness = await startSlackHarness({ worker: false });
});

afterAll(() => harness.close());

/** Slack Web API calls that would change what everyone sees (cards, modals); answers to the one person are fine. */
const visibleCalls = () =>
  harness.slack.calls.filter((call) => ["chat.update", "views.open"].includes(call.method) || (call.method === "chat.postMessage" && call.args.channel === APPROVAL_CHANNEL)).length;

async function unchanged(send: () => Promise<{ status: number; text: string }>) {
  const before = await databaseFingerprint(harness.environment.db);
  const calls = visibleCalls();
  const response = await send();
  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expect(await databaseFingerprint(harness.environment.db)).toBe(before);
  expect(visibleCalls()).toBe(calls);
  return response;
}

/** Sends signed bodies at once; none may get a 5xx, and together they change nothing. */
async function unchangedByAll(texts: string[]) {
  const before = await databaseFingerprint(harness.environment.db);
  const calls = visibleCalls();
  const responses = await Promise.all(texts.map((text) => sendToBot(harness.bot.baseUrl, signed(text))));
  for (const [index, response] of responses.entries()) expect(response.status, texts[index]?.slice(0, 300)).toBeLessThan(500);
  expect(await databaseFingerprint(harness.environment.db)).toBe(before);
  expect(visibleCalls()).toBe(calls);
}

const click = () =>
  buttonClickPayload({
    slackUserId: SLACK_USERS.approver,
    actionId: ids.actions.approve,
    value: "1",
    channelId: APPROVAL_CHANNEL,
    messageTs: "1700000000.000100",
    responseUrl: harness.slack.responseUrl("fuzz"),
  });

const command = () => slashCommandFields({ slackUserId: SLACK_USERS.approver, text: "1 cascade", channelId: APPROVAL_CHANNEL, responseUrl: harness.slack.responseUrl("fuzz") });

describe("the Slack receiver under bad input", () => {
  it("unsigned, wrongly signed or stale or future-dated requests of any shape: 401", async () => {
    const body = fc.oneof(fc.string({ unit: "binary", maxLength: 500 }), junkValue.map((value) => `payload=${encodeURIComponent(toJsonText(value))}`));
    const signing = fc.constantFrom("none", "wrong secret", "stale", "future", "garbage");
    await fc.assert(
      fc.asyncProperty(body, signing, async (text, how) => {
        const now = Math.floor(Date.now() / 1000);
        const request =
          how === "wrong secret" ? signed(text, { secret: "not-the-secret" })
          : how === "stale" ? signed(text, { timestamp: now - 6 * 60 })
          : how === "future" ? signed(text, { timestamp: now + 6 * 60 })
          : signed(text);
        const headers: Record<string, string> =
          how === "none" ? { "x-slack-signature": "", "x-slack-request-timestamp": "" } : how === "garbage" ? { "x-slack-signature": "v0=zz", "x-slack-request-timestamp": "yesterday" } : {};
        const response = await unchanged(() => sendToBot(harness.bot.baseUrl, request, headers));
        expect(response.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  it("signed bodies that are not Slack payloads: a 4xx or an acknowledgement, nothing written", async () => {
    const body = fc.oneof(
      fc.string({ unit: "binary", maxLength: 500 }),
      junkValue.map((value) => `payload=${encodeURIComponent(toJsonText(value))}`),
      fc.string({ maxLength: 200 }).map((text) => `payload=${text}`),
      junkValue.map((value) => `command=${encodeURIComponent(toJsonText(value))}`),
    );
    // Sent 20 at a time: a body no listener acknowledges is answered (404) only after Slack's 3 s.
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 20, maxLength: 20 }), async (texts) => {
        await unchangedByAll(texts);
      }),
      // No shrinking: each try of a batch takes Slack's 3 s; the failing batch is reported as it is.
      { numRuns: RUNS / 20, endOnFailure: true },
    );
  });

  it("signed button clicks, modal submissions and /rollback commands with spoiled fields", async () => {
    const spoiledClick = fc.oneof(
      spoiledInput(click()),
      fc.tuple(fc.constantFrom("value", "action_id", "block_id"), junkValue).map(([field, junk]) => {
        const payload = click();
        const [action] = payload.actions as Record<string, unknown>[];
        return { ...payload, actions: [{ ...action, [field]: junk }] };
      }),
      junkValue.map((junk) => ({ ...click(), user: junk })),
      junkValue.map((junk) => ({ ...click(), team: junk })),
    );
    const submission = fc.tuple(junkValue, junkValue).map(([metadata, reason]) => ({
      type: "view_submission",
      team: { id: "T0LEASH", domain: "acme" },
      user: { id: SLACK_USERS.approver, team_id: "T0LEASH" },
      view: {
        id: "VFUZZ",
        type: "modal",
        callback_id: ids.views.rejectReason,
        private_metadata: metadata,
        state: { values: { [ids.blocks.rejectReason]: { [ids.inputs.rejectReason]: { type: "plain_text_input", value: reason } } } },
      },
    }));
    const interactive = fc.oneof(spoiledClick, submission).map((payload) => `payload=${encodeURIComponent(toJsonText(payload))}`);
    const slash = fc
      .oneof(
        fc.string({ unit: "grapheme", maxLength: 300 }).map((text) => ({ ...command(), text })),
        junkValue.map((junk) => ({ ...command(), text: toJsonText(junk).slice(0, 5_000) })),
        fc.tuple(fc.constantFrom("user_id", "team_id", "channel_id", "command"), fc.string({ unit: "grapheme", maxLength: 100 })).map(([field, junk]) => ({ ...command(), [field]: junk })),
      )
      .map((fields) => new URLSearchParams(fields).toString());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(interactive, slash), { minLength: 20, maxLength: 20 }), async (texts) => {
        await unchangedByAll(texts);
      }),
      { numRuns: (RUNS * 2) / 20, endOnFailure: true },
    );
  });

  // Bolt keeps clients in a plain object keyed by team id: these once reached Object.prototype (a 500).
  it.each(["toString", "constructor", "__proto__", "hasOwnProperty"])("a signed request from team id %s is dropped, not a crash", async (teamId) => {
    const body = new URLSearchParams({ ...command(), team_id: teamId }).toString();
    const response = await unchanged(() => sendToBot(harness.bot.baseUrl, signed(body)));
    expect(response.status).not.toBe(500);
  });

  // Bolt 5.1 reads a property of the parsed body unchecked: these once went unanswered, with an unhandled rejection.
  it.each([
    ["payload=null", "application/x-www-form-urlencoded"],
    ["null", "application/json"],
  ] as const)("a signed body %s (%s): 400, and unsigned: 401", async (body, contentType) => {
    for (const [secret, status] of [[undefined, 400], ["not-the-secret", 401]] as const) {
      const request = { ...signed(body, secret ? { secret } : {}), contentType } as const;
      const response = await unchanged(() => sendToBot(harness.bot.baseUrl, { ...request, contentType: "application/x-www-form-urlencoded" }, { "content-type": contentType }));
      expect(response.status).toBe(status);
    }
  });

  it("a body over 1 MiB is refused with 413 before it is read to the end", async () => {
    const response = await unchanged(() => sendToBot(harness.bot.baseUrl, signed(`payload=${"x".repeat(3 * 1024 * 1024)}`)));
    expect(response.status).toBe(413);
  });
});
