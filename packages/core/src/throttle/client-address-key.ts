import ipaddr from "ipaddr.js";

/**
 * What attempts from a client are counted under: its IPv4 address (also when it arrives mapped into
 * IPv6, `::ffff:1.2.3.4`), or its IPv6 /64, because one host is usually handed a whole /64 and could
 * otherwise take a fresh address for every attempt. Without a known address every such client
 * shares one count: stricter, never looser.
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return "unknown";
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(":")}::/64`;
}
