/** Every id the bot gives Slack and gets back in payloads, kept in one place. */
export const ids = {
  actions: {
    approve: "leash_approve",
    editAndApprove: "leash_edit_approve",
    approveAndTrust: "leash_approve_trust",
    approveBatch: "leash_approve_batch",
    rejectBatch: "leash_reject_batch",
    batchLeaveOut: "leash_batch_leave_out",
    reject: "leash_reject",
    openInConsole: "leash_open_in_console",
    confirmRollback: "leash_rollback_confirm",
    cancelRollback: "leash_rollback_cancel",
  },
  views: {
    rejectReason: "leash_reject_reason",
    rejectBatch: "leash_reject_batch",
    editAndApprove: "leash_edit_approve",
  },
  blocks: {
    rejectReason: "leash_reason",
    editedParameters: "leash_parameters",
  },
  inputs: {
    rejectReason: "leash_reason_input",
    editedParameters: "leash_parameters_input",
  },
  commands: {
    rollback: "/rollback",
  },
} as const;
