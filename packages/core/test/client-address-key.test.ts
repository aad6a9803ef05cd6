import { describe, expect, it } from "vitest";

import { clientAddressKey } from "../src/throttle/client-address-key.ts";

describe("what a client's attempts are counted under", () => {
  it("is the IPv4 address, also when mapped into IPv6", () => {
    expect(clientAddressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("is the /64 of an IPv6 address, however it is written", () => {
    expect(clientAddressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("2001:0db8:0001:0002:ffff:0:0:9")).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("is one shared key without a usable address", () => {
    expect(clientAddressKey(undefined)).toBe("unknown");
    expect(clientAddressKey("")).toBe("unknown");
    expect(clientAddressKey("not an address")).toBe("unknown");
  });
});
