import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from "@slack/web-api";
import { describe, expect, it } from "vitest";

import { checkChannelConfigured } from "../src/delivery/check-channel-configured.ts";
import { classifySlackError } from "../src/delivery/classify-slack-error.ts";
import { classifySmtpError } from "../src/delivery/classify-smtp-error.ts";
import { deliveryReference, referenceToken } from "../src/delivery/delivery-reference.ts";
import { renderEmailHtml } from "../src/delivery/render-email-html.ts";
import { slackText } from "../src/delivery/slack-text.ts";

const smtpError = (fields: { code?: string; responseCode?: number; permanent?: boolean; response?: string }) => Object.assign(new Error(fields.response ?? "failed"), fields);

describe("the text of a message", () => {
  it("escapes every character HTML gives a meaning to, and keeps paragraphs and line breaks", () => {
    expect(renderEmailHtml(`<script>alert("x")</script> & 'so'\nnext line\n\nsecond paragraph`)).toBe(
      "<!doctype html><html><body><p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;so&#39;<br>next line</p><p>second paragraph</p></body></html>",
    );
  });

  it("escapes Slack's control characters so an agent's message cannot mention or link anyone", () => {
    expect(slackText({ subject: "Deploy <done>", message: "<!channel> ping & <https://evil|click>" })).toBe(
      "*Deploy &lt;done&gt;*\n&lt;!channel&gt; ping &amp; &lt;https://evil|click&gt;",
    );
    expect(slackText({ subject: null, message: "plain" })).toBe("plain");
  });

  it("names a message by its action, stable over attempts, or by its row when it has no action", () => {
    expect(referenceToken(deliveryReference({ id: 9, actionId: 42 }))).toBe("action-42");
    expect(referenceToken(deliveryReference({ id: 9, actionId: null }))).toBe("notification-9");
  });
});

describe("classifySmtpError", () => {
  it("fails for good on a 5xx reply, with the server's words", () => {
    const error = classifySmtpError(smtpError({ code: "EENVELOPE", responseCode: 550, permanent: true, response: "550 5.1.1 No such user" }), "x@example.com");
    expect(error).toMatchObject({ code: "DELIVERY_FAILED", retryable: false, message: "Email to x@example.com was refused: the mail server answered 550 5.1.1 No such user" });
  });

  it("retries a 4xx reply, a lost connection and a timeout", () => {
    expect(classifySmtpError(smtpError({ code: "EENVELOPE", responseCode: 451, permanent: false, response: "451 try later" }), "x@example.com")).toMatchObject({ retryable: true });
    expect(classifySmtpError(smtpError({ code: "ECONNECTION", response: "Connection closed unexpectedly" }), "x@example.com")).toMatchObject({ retryable: true });
    expect(classifySmtpError(smtpError({ code: "ETIMEDOUT" }), "x@example.com")).toMatchObject({ retryable: true });
  });

  it("fails for good on a bad envelope or refused credentials without a reply", () => {
    expect(classifySmtpError(smtpError({ code: "EENVELOPE", response: "No recipients defined" }), "nobody")).toMatchObject({ retryable: false });
    expect(classifySmtpError(smtpError({ code: "EAUTH" }), "x@example.com")).toMatchObject({ retryable: false });
  });
});

describe("classifySlackError", () => {
  it("fails for good on Slack's refusals, naming them", () => {
    for (const reason of ["channel_not_found", "not_in_channel", "user_not_found", "invalid_auth"]) {
      const error = classifySlackError(new WebAPIPlatformError({ ok: false, error: reason }), "C123");
      expect(error).toMatchObject({ code: "DELIVERY_FAILED", retryable: false, message: `Slack refused the message to C123: ${reason}` });
    }
  });

  it("retries rate limits (after Slack's Retry-After), network errors, 5xx and Slack's own transient errors", () => {
    expect(classifySlackError(new WebAPIRateLimitedError(30), "C123")).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
    expect(classifySlackError(new WebAPIRequestError(new Error("ECONNREFUSED")), "C123")).toMatchObject({ retryable: true });
    expect(classifySlackError(new WebAPIHTTPError(503, "Service Unavailable", {}), "C123")).toMatchObject({ retryable: true });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: "internal_error" }), "C123")).toMatchObject({ retryable: true });
  });
});

describe("checkChannelConfigured", () => {
  it("refuses a channel the server has no settings for, naming the setting", () => {
    expect(() => checkChannelConfigured(["in_app"], "email")).toThrow("email is not configured on this server: set SMTP_URL");
    expect(() => checkChannelConfigured(["email", "in_app"], "slack")).toThrow("slack is not configured on this server: set SLACK_BOT_TOKEN");
    expect(() => checkChannelConfigured(["email", "slack", "in_app"], "slack")).not.toThrow();
    expect(() => checkChannelConfigured([], "in_app")).not.toThrow();
  });
});
