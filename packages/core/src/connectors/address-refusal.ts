import ipaddr from "ipaddr.js";

/**
 * Ranges a connector may reach only with `allowPrivateNetwork`: a tenant's own services on a
 * private network. Link-local stays refused even then: nothing of a tenant's lives there, but the
 * cloud metadata service (169.254.169.254, credentials of the machine Leash runs on) does.
 */
const PRIVATE_NETWORK_RANGES = new Set(["private", "loopback", "uniqueLocal", "carrierGradeNat"]);

const rangeNames: Record<string, string> = {
  private: "a private address",
  loopback: "a loopback address",
  uniqueLocal: "a unique-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  linkLocal: "a link-local address (the cloud metadata service's range)",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
};

/**
 * Why a connector may not connect to `address`, or null when it may. Only public unicast
 * addresses pass by default; IPv4 addresses written as IPv6 (::ffff:10.0.0.1) are judged as IPv4,
 * and IPv6 ranges that tunnel to IPv4 (6to4, Teredo, NAT64) are refused with the other special ones.
 */
export function addressRefusal(address: string, { allowPrivateNetwork }: { allowPrivateNetwork: boolean }): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range: string = ipaddr.process(address).range();
  if (range === "unicast") return null;
  if (allowPrivateNetwork && PRIVATE_NETWORK_RANGES.has(range)) return null;
  const name = rangeNames[range] ?? `an address reserved for special use (${range})`;
  const hint = PRIVATE_NETWORK_RANGES.has(range) ? "; connectors reach only public addresses unless they allow the private network" : "; connectors never reach it";
  return `${address} is ${name}${hint}`;
}
