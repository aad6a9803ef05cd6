import { describe, expect, it } from "vitest";

import { durationParts, formatDuration, secondsFromDuration } from "../src/policies/policy-duration.ts";

describe("policy durations", () => {
  it("show in the largest unit they are a whole number of", () => {
    expect([1_800, 14_400, 172_800, 7_200, 90, 86_400 * 365].map(formatDuration)).toEqual(["30 min", "4 h", "2 d", "2 h", "90 s", "365 d"]);
    expect(durationParts(7_200)).toEqual({ amount: 2, unit: "hours" });
    expect(durationParts(90)).toEqual({ amount: 2, unit: "minutes" });
  });

  it("are read from an amount and a unit, with a plain message for what does not fit", () => {
    expect(secondsFromDuration("2", "hours")).toEqual({ ok: true, seconds: 7_200 });
    expect(secondsFromDuration(" ", "hours")).toEqual({ ok: true, seconds: null });
    expect(secondsFromDuration("1.5", "hours")).toEqual({ ok: false, message: "must be a whole number of hours" });
    expect(secondsFromDuration("-3", "days")).toEqual({ ok: false, message: "must be at least 1 day" });
    expect(secondsFromDuration("0", "minutes")).toEqual({ ok: false, message: "must be at least 1 minute" });
    expect(secondsFromDuration("366", "days")).toEqual({ ok: false, message: "must be at most 365 days" });
    expect(secondsFromDuration("5", "weeks")).toEqual({ ok: false, message: "must be in minutes, hours or days" });
  });
});
