import type { NodemailerError } from "nodemailer";

import type { CoreError } from "../errors.ts";
import { permanentFailure, transientFailure } from "./delivery-failure.ts";

// Failures with no SMTP reply that a retry cannot fix: the message or its envelope is wrong, or
// the server refused our credentials. Every other one (connection refused or dropped, timeout,
// DNS, TLS) may pass on a later attempt.
const permanentWithoutReply = new Set(["EENVELOPE", "EMESSAGE", "EAUTH", "ENOAUTH", "ECONFIG", "EMAXRECIPIENTS", "EREQUIRETLS"]);

function isNodemailerError(error: unknown): error is NodemailerError {
  return error instanceof Error;
}

/**
 * Sorts a failed send: a reply of the 5xx class (but 503, see nodemailer's `permanent`) is final
 * and fails the action with the server's words; 4xx and lost connections retry.
 */
export function classifySmtpError(error: unknown, recipient: string): CoreError {
  if (!isNodemailerError(error)) return transientFailure(`Email to ${recipient} failed: ${String(error)}`, { cause: error });
  const reply = error.response ?? error.message;
  if (error.responseCode !== undefined) {
    const said = `the mail server answered ${reply}`;
    return error.permanent === true
      ? permanentFailure(`Email to ${recipient} was refused: ${said}`, error)
      : transientFailure(`Email to ${recipient} was deferred: ${said}`, { cause: error });
  }
  const code = error.code ?? "unknown";
  return permanentWithoutReply.has(code)
    ? permanentFailure(`Email to ${recipient} cannot be sent (${code}): ${error.message}`, error)
    : transientFailure(`Email to ${recipient} could not reach the mail server (${code}): ${error.message}`, { cause: error });
}
