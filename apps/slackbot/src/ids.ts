/** Every id the bot gives Slack and gets back in payloads, kept in one place. */
export const ids = {
  actions: {
    approve: "leash_approve",
    reject: "leash_reject",
    openInConsole: "leash_open_in_console",
    confirmRollback: "leash_rollback_confirm",
    cancelRollback: "leash_rollback_cancel",
  },
  views: {
    rejectReason: "leash_reject_reason",
  },
  blocks: {
    rejectReason: "leash_reason",
  },
  inputs: {
    rejectReason: "leash_reason_input",
  },
  commands: {
    rollback: "/rollback",
  },
} as const;
