import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { connect } from "node:net";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  anyUnicodeString,
  boundaryIntegerText,
  junkValue,
  nestedValue,
  quotedInternals,
  serviceAddresses,
  spoiledAnywhere,
  spoiledEmbeddedJson,
  testRedisUrl,
  toJsonText,
} from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { ids } from "../src/ids.ts";
import { MAX_BODY_BYTES } from "../src/slack-bot.ts";
import { BOT } from "./fake-slack.ts";
import { buttonClickPayload, sendToBot, signed, slashCommandFields, type SlackRequest } from "./slack-requests.ts";
import { APPROVAL_CHANNEL, SLACK_USERS, startSlackHarness, type SlackHarness } from "./support.ts";

// Guarantee 3 of RELIABILITY.md for the Slack receiver: unsigned, forged, malformed and hostile
// requests of every kind the bot listens to get a 4xx or a plain acknowledgement, never a 5xx; no
// answer (to the request, or sent to Slack afterwards) quotes the inside; and nothing changes. The
// tenant's actions are all decided already, so that even a click that is still valid after spoiling
// is refused by core: any row written or card changed would be a bug.

const RUNS = 60;

let harness: SlackHarness;
let addresses: string[];
/** The database before any request: compared again once the bot has finished all its work. */
let untouched: string;
let botClosed = false;
/** Ids of the tenant's actions: one rejected alone, two rejected as a batch. */
let rejectedId: number;
let batch: { batchId: string; actionIds: number[] };

beforeAll(async () => {
  harness = await startSlackHarness({ worker: false });
  addresses = serviceAddresses(harness.environment.database.url, testRedisUrl);
  const { db } = harness.environment;
  // Written directly, already decided: proposing through core would post cards, and their updates would land during the test.
  const rejected = (title: string, batchId: string | null) =>
    db.agentAction.create({
      data: { tenantId: harness.tenant.id, proposerLabel: "fuzz agent", actionType: "create", targetType: "idea", parameters: { title }, status: "rejected", rejectedAt: new Date(), rejectionReason: "no", decidedByLabel: "Dana", batchId },
    });
  rejectedId = (await rejected("Alone", null)).id;
  const batchId = randomUUID();
  batch = { batchId, actionIds: [(await rejected("One", batchId)).id, (await rejected("Two", batchId)).id] };
  untouched = await databaseFingerprint(db);
});

afterAll(async () => {
  if (!botClosed) {
    await harness.close();
    return;
  }
  await harness.slack.close();
  await harness.environment.close();
});

/**
 * Slack Web API calls that would change what everyone sees (cards, the approval channel). Answers to
 * the one person are fine, modals included: Reject batch asks for the reason before core looks at the batch.
 */
const visibleCalls = () => harness.slack.calls.filter((call) => call.method === "chat.update" || (call.method === "chat.postMessage" && call.args.channel === APPROVAL_CHANNEL)).length;

function expectNothingInternal(what: string, text: string) {
  expect(quotedInternals(text, addresses), `${what}: ${text.slice(0, 300)}`).toEqual([]);
}

async function unchanged(send: () => Promise<{ status: number; text: string }>) {
  const before = await databaseFingerprint(harness.environment.db);
  const calls = visibleCalls();
  const response = await send();
  expect(response.status, response.text.slice(0, 300)).toBeLessThan(500);
  expectNothingInternal("answer", response.text);
  expect(await databaseFingerprint(harness.environment.db)).toBe(before);
  expect(visibleCalls()).toBe(calls);
  return response;
}

/** Sends signed requests at once; none may get a 5xx or quote the inside, and together they change nothing. */
async function unchangedByAll(requests: SlackRequest[], contentTypes: (string | undefined)[] = []) {
  const before = await databaseFingerprint(harness.environment.db);
  const calls = visibleCalls();
  const responses = await Promise.all(requests.map((request, index) => sendToBot(harness.bot.baseUrl, request, contentTypes[index] ? { "content-type": contentTypes[index] } : {})));
  for (const [index, response] of responses.entries()) {
    expect(response.status, requests[index]?.body.slice(0, 300)).toBeLessThan(500);
    expectNothingInternal(requests[index]?.body.slice(0, 100) ?? "", response.text);
  }
  expect(await databaseFingerprint(harness.environment.db)).toBe(before);
  expect(visibleCalls()).toBe(calls);
}

const click = () =>
  buttonClickPayload({
    slackUserId: SLACK_USERS.approver,
    actionId: ids.actions.approve,
    value: String(rejectedId),
    channelId: APPROVAL_CHANNEL,
    messageTs: "1700000000.000100",
    responseUrl: harness.slack.responseUrl("fuzz"),
  });

const command = () => slashCommandFields({ slackUserId: SLACK_USERS.approver, text: `${rejectedId} cascade`, channelId: APPROVAL_CHANNEL, responseUrl: harness.slack.responseUrl("fuzz") });

/** A click on one of the bot's buttons or menus, as valid as Slack would send it. */
function elementClick(actionId: string, element: Record<string, unknown>, options: { ephemeral?: boolean; state?: unknown } = {}): Record<string, unknown> {
  const payload = buttonClickPayload({
    slackUserId: SLACK_USERS.approver,
    actionId,
    channelId: APPROVAL_CHANNEL,
    messageTs: "1700000000.000100",
    responseUrl: harness.slack.responseUrl("fuzz"),
    ...(options.ephemeral ? { ephemeral: true } : {}),
  });
  const [action] = payload.actions as Record<string, unknown>[];
  return { ...payload, actions: [{ ...action, ...element }], ...(options.state ? { state: options.state } : {}) };
}

/** A modal submitted with one input, as valid as Slack would send it. */
function submission(callbackId: string, privateMetadata: unknown, blockId: string, inputId: string, value: string): Record<string, unknown> {
  return {
    type: "view_submission",
    team: { id: BOT.teamId, domain: "acme" },
    user: { id: SLACK_USERS.approver, team_id: BOT.teamId },
    api_app_id: "ALEASH",
    trigger_id: "1700000000.1.fuzz",
    view: {
      id: "VFUZZ",
      team_id: BOT.teamId,
      type: "modal",
      callback_id: callbackId,
      private_metadata: JSON.stringify(privateMetadata),
      state: { values: { [blockId]: { [inputId]: { type: "plain_text_input", value } } } },
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

const leaveOutState = () => ({ values: { leash_batch: { [ids.actions.batchLeaveOut]: { type: "multi_static_select", selected_options: [{ text: { type: "plain_text", text: "#1" }, value: String(batch.actionIds[0]) }] } } } });

/**
 * A valid request of every kind the bot listens to (`<kind>:<id>`), each spoiled by the property
 * below. Interactive payloads are JSON; slash commands form fields; events JSON bodies.
 */
type SlackBody = { interactive: Record<string, unknown> } | { command: Record<string, string> } | { event: Record<string, unknown> };
const kinds = (): Record<string, () => SlackBody> => ({
  [`block_actions:${ids.actions.approve}`]: () => ({ interactive: click() }),
  [`block_actions:${ids.actions.reject}`]: () => ({ interactive: elementClick(ids.actions.reject, { value: String(rejectedId) }) }),
  [`block_actions:${ids.actions.editAndApprove}`]: () => ({ interactive: elementClick(ids.actions.editAndApprove, { value: String(rejectedId) }) }),
  [`block_actions:${ids.actions.approveAndTrust}`]: () => ({
    interactive: elementClick(ids.actions.approveAndTrust, { type: "overflow", selected_option: { text: { type: "plain_text", text: "7 days" }, value: JSON.stringify({ actionId: rejectedId, days: 7 }) } }),
  }),
  [`block_actions:${ids.actions.approveBatch}`]: () => ({ interactive: elementClick(ids.actions.approveBatch, { value: batch.batchId }, { state: leaveOutState() }) }),
  [`block_actions:${ids.actions.rejectBatch}`]: () => ({ interactive: elementClick(ids.actions.rejectBatch, { value: batch.batchId }, { state: leaveOutState() }) }),
  [`block_actions:${ids.actions.batchLeaveOut}`]: () => ({
    interactive: elementClick(ids.actions.batchLeaveOut, { type: "multi_static_select", selected_options: [{ text: { type: "plain_text", text: "#1" }, value: String(batch.actionIds[0]) }] }),
  }),
  [`block_actions:${ids.actions.openInConsole}`]: () => ({ interactive: elementClick(ids.actions.openInConsole, { url: `http://console.leash.test/actions/${rejectedId}` }) }),
  [`block_actions:${ids.actions.confirmRollback}`]: () => ({ interactive: elementClick(ids.actions.confirmRollback, { value: JSON.stringify({ actionId: rejectedId, cascade: false }) }, { ephemeral: true }) }),
  [`block_actions:${ids.actions.cancelRollback}`]: () => ({ interactive: elementClick(ids.actions.cancelRollback, { value: "cancel" }, { ephemeral: true }) }),
  [`view_submission:${ids.views.rejectReason}`]: () => ({
    interactive: submission(ids.views.rejectReason, { actionId: rejectedId, channelId: APPROVAL_CHANNEL }, ids.blocks.rejectReason, ids.inputs.rejectReason, "Not now"),
  }),
  [`view_submission:${ids.views.rejectBatch}`]: () => ({
    interactive: submission(ids.views.rejectBatch, { batchId: batch.batchId, excludeActionIds: [], channelId: APPROVAL_CHANNEL }, ids.blocks.rejectReason, ids.inputs.rejectReason, "Not now"),
  }),
  [`view_submission:${ids.views.editAndApprove}`]: () => ({
    interactive: submission(ids.views.editAndApprove, { actionId: rejectedId, channelId: APPROVAL_CHANNEL }, ids.blocks.editedParameters, ids.inputs.editedParameters, '{"title":"Edited"}'),
  }),
  [`slash_command:${ids.commands.rollback}`]: () => ({ command: command() }),
  "event_callback:app_uninstalled": () => ({
    event: { token: "verification-token-unused", team_id: BOT.teamId, api_app_id: "ALEASH", type: "event_callback", event_id: "Ev0FUZZ", event_time: 1_700_000_000, event: { type: "app_uninstalled", event_ts: "1700000000.000100" } },
  }),
  url_verification: () => ({ event: { token: "verification-token-unused", type: "url_verification", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" } }),
});

/**
 * The kinds the bot's listeners register (`app.action(ids.actions.approve, ...)` and so on), read
 * from their source: a listener added later without an entry in `kinds` fails the test below.
 */
async function registeredKinds(): Promise<string[]> {
  const prefixes: Record<string, string> = { action: "block_actions", view: "view_submission", command: "slash_command", event: "event_callback" };
  const root = new URL("../src/listeners/", import.meta.url);
  const found: string[] = [];
  for (const folder of await readdir(root)) {
    const source = await readFile(new URL(`${folder}/index.ts`, root), "utf8");
    for (const [, method = "", argument = ""] of source.matchAll(/\bapp\.(\w+)(?:<[^(]*>)?\(\s*([^,)]+)/g)) {
      const id = argument.startsWith("ids.") ? argument.split(".").slice(1).reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], ids) : /^["'](.*)["']$/.exec(argument)?.[1];
      found.push(`${prefixes[method] ?? method}:${typeof id === "string" ? id : argument}`);
    }
  }
  return found;
}

/** Text that may arrive in any field: junk written as text, strings from all of Unicode, integers at the columns' bounds. */
const junkText = fc.oneof(junkValue.map((value) => (typeof value === "string" ? value : toJsonText(value)).slice(0, 5_000)), anyUnicodeString, boundaryIntegerText);

/** Who sends it: each linked role, someone linked to nobody, or a made-up id. */
const sender = fc.oneof(fc.constantFrom(...Object.values(SLACK_USERS)), junkText);

function spoiledRequest(make: () => SlackBody): fc.Arbitrary<{ body: string; contentType?: string }> {
  const valid = make();
  if ("command" in valid) {
    const fields = valid.command;
    return fc
      .oneof(
        fc.tuple(fc.constantFrom(...Object.keys(fields)), junkText).map(([name, junk]) => ({ ...fields, [name]: junk })),
        fc.tuple(sender, fc.oneof(junkText, boundaryIntegerText.map((id) => `${id} cascade`))).map(([user, text]) => ({ ...fields, user_id: user, text })),
        spoiledAnywhere(fields).map((spoiled) =>
          typeof spoiled === "object" && spoiled !== null ? Object.fromEntries(Object.entries(spoiled).map(([name, value]) => [name, typeof value === "string" ? value : toJsonText(value)])) : { text: toJsonText(spoiled) },
        ),
      )
      .map((spoiled) => ({ body: new URLSearchParams(spoiled).toString() }));
  }
  const payload = "interactive" in valid ? valid.interactive : valid.event;
  // A replacer function, not a replacement string: junk such as "$'" or "$`" in a replacement string splices in parts of the text.
  const withSender = fc.tuple(sender, fc.constantFrom(payload)).map(([user, value]) => JSON.parse(JSON.stringify(value).replaceAll(`"${SLACK_USERS.approver}"`, () => JSON.stringify(user))) as unknown);
  const embedded = spoiledEmbeddedJson(payload);
  const spoiled = fc.oneof(spoiledAnywhere(payload), withSender, ...(embedded ? [embedded] : []));
  if ("interactive" in valid) return spoiled.map((value) => ({ body: `payload=${encodeURIComponent(toJsonText(value))}` }));
  return spoiled.map((value) => ({ body: toJsonText(value), contentType: "application/json" }));
}

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
        await unchangedByAll(texts.map((text) => signed(text)));
      }),
      // No shrinking: each try of a batch takes Slack's 3 s; the failing batch is reported as it is.
      { numRuns: RUNS / 20, endOnFailure: true },
    );
  });

  it("has a valid request of every kind the bot listens to, and each is acknowledged", async () => {
    const table = kinds();
    const registered = await registeredKinds();
    expect(registered.filter((kind) => !(kind in table)), "listeners without a request in this test").toEqual([]);
    // The scan must see the listeners, or the check above would pass on nothing.
    expect(registered).toEqual(expect.arrayContaining([`block_actions:${ids.actions.approve}`, `view_submission:${ids.views.rejectReason}`, `slash_command:${ids.commands.rollback}`, "event_callback:app_uninstalled"]));
    for (const [kind, make] of Object.entries(table)) {
      const valid = make();
      const request =
        "command" in valid ? signed(new URLSearchParams(valid.command).toString())
        : "interactive" in valid ? signed(`payload=${encodeURIComponent(JSON.stringify(valid.interactive))}`)
        : signed(JSON.stringify(valid.event));
      const response = await unchanged(() => sendToBot(harness.bot.baseUrl, request, "event" in valid ? { "content-type": "application/json" } : {}));
      expect(response.status, kind).toBe(200);
    }
  });

  it("requests of every kind, spoiled anywhere (embedded JSON too) and sent by anyone: a 4xx or an acknowledgement, nothing changed", async () => {
    const table = Object.values(kinds());
    // One of each kind per run, all at once: a request no listener acknowledges is answered only after Slack's 3 s.
    await fc.assert(
      fc.asyncProperty(fc.tuple(...table.map((make) => spoiledRequest(make))), async (requests) => {
        await unchangedByAll(
          requests.map((request) => signed(request.body)),
          requests.map((request) => request.contentType),
        );
      }),
      { numRuns: RUNS / 2, endOnFailure: true },
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

  // Bolt 5.1 sends the headers of a url_verification answer, then overflows the stack writing a deep challenge: the request hung.
  it.each([
    ["a url_verification challenge", (deep: string) => `{"type":"url_verification","token":"t","challenge":${deep}}`, "application/json"],
    ["a button click", (deep: string) => `payload=${encodeURIComponent(`{"type":"block_actions","actions":${deep}}`)}`, "application/x-www-form-urlencoded"],
  ] as const)("%s nested 20,000 deep: 400 signed, 401 unsigned", async (_what, body, contentType) => {
    const deep = toJsonText(nestedValue(20_000, "array"));
    for (const [secret, status] of [[undefined, 400], ["not-the-secret", 401]] as const) {
      const request = signed(body(deep), secret ? { secret } : {});
      const response = await unchanged(() => sendToBot(harness.bot.baseUrl, request, { "content-type": contentType }));
      expect(response.status).toBe(status);
    }
  });

  it("a body over 1 MiB is refused with 413 before it is read to the end", async () => {
    const response = await unchanged(() => sendToBot(harness.bot.baseUrl, signed(`payload=${"x".repeat(3 * 1024 * 1024)}`)));
    expect(response.status).toBe(413);
  });

  // The rest of the body is never read: left open, the connection would hold the next request unanswered.
  it("after a 413 the connection is closed, and the next request on a new one is answered", async () => {
    const { hostname, port } = new URL(harness.bot.baseUrl);
    const socket = connect(Number(port), hostname);
    // The server may close while the rest of the body is still being written.
    socket.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    const oversized = signed(`payload=${"x".repeat(MAX_BODY_BYTES)}`);
    const head = [
      "POST /slack/events HTTP/1.1",
      `Host: ${hostname}`,
      "Connection: keep-alive",
      `Content-Type: ${oversized.contentType}`,
      `Content-Length: ${Buffer.byteLength(oversized.body)}`,
      ...Object.entries(oversized.headers).map(([name, value]) => `${name}: ${value}`),
    ];
    socket.write(`${head.join("\r\n")}\r\n\r\n${oversized.body}`);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);

    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain("connection: close");
    expect((await fetch(`${harness.bot.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe("once the bot has finished every request above", () => {
  // Listeners answer first and work afterwards: stopping the bot waits for that work, so only now is it all done.
  it("nothing was written, and nothing it told Slack quotes the inside", async () => {
    await harness.bot.close();
    botClosed = true;
    expect(await databaseFingerprint(harness.environment.db)).toBe(untouched);
    expect(visibleCalls()).toBe(0);
    // The refusals did reach the people who sent the requests: the listeners ran, not only Bolt's checks.
    expect(harness.slack.callsTo("chat.postEphemeral").length).toBeGreaterThan(0);
    for (const call of harness.slack.calls) expectNothingInternal(call.method, JSON.stringify(call.args));
  });
});
