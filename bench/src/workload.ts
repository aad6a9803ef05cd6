import type { BenchItem } from "./bench-database.ts";

/** A proposal as an agent sends it over plain HTTP. */
export type Proposal = Record<string, unknown> & { actionType: string };

const projectStatuses = ["planned", "active", "at_risk", "done"] as const;

function updateOf(item: BenchItem, index: number): Proposal {
  const data =
    item.kind === "project"
      ? { status: projectStatuses[index % projectStatuses.length] }
      : item.kind === "person"
        ? { role: `Role ${index % 97}` }
        : { score: index % 11 };
  return { actionType: "update", targetType: item.kind, targetId: item.id, parameters: { data } };
}

/**
 * The mixed workload of the end-to-end scenarios, deterministic by index: 40% updates, 25%
 * creates, 25% notifications, 10% links. Updates and links are spread over the tenant's items,
 * so actions on one item are ordered but most run independently.
 */
export function mixedProposal(items: readonly BenchItem[], index: number, tag: string): Proposal {
  const slot = index % 20;
  // A multiplicative hash spreads consecutive indexes over the items.
  const pick = (salt: number): BenchItem => {
    const item = items[(Math.imul(index + salt, 2654435761) >>> 0) % items.length];
    if (!item) throw new Error("the workload needs items");
    return item;
  };
  const reason = `benchmark ${tag} #${index}`;
  if (slot < 8) return { ...updateOf(pick(0), index), reason };
  if (slot < 13) {
    return { actionType: "create", targetType: "project", parameters: { title: `Bench project ${tag}-${index}`, data: { status: "planned" } }, reason };
  }
  if (slot < 18) {
    return {
      actionType: "notify",
      parameters: { channel: "in_app", recipient: "ops@bench.test", message: `Benchmark notification ${tag}-${index}` },
      reason,
    };
  }
  const from = pick(0);
  const to = pick(7919);
  return {
    actionType: "link",
    targetType: from.kind,
    targetId: from.id,
    parameters: { toType: to.kind, toId: to.id, relation: `bench ${tag}-${index}` },
    reason,
  };
}
