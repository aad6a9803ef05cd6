import { CoreError } from "../errors.ts";

/** A duration as people read it in a message: `500 ms`, `1.5 s`, `10 s`. */
export function describeMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

const unreachable: Record<string, string> = {
  ECONNREFUSED: "refused the connection",
  ECONNRESET: "closed the connection before answering",
  EPIPE: "closed the connection before answering",
  EHOSTUNREACH: "could not be reached (host unreachable)",
  ENETUNREACH: "could not be reached (network unreachable)",
  ETIMEDOUT: "could not be reached (connection timed out)",
};

const isTlsFailure = (code: string) => /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL)/.test(code);

/**
 * What went wrong on the way, as a CoreError a person can read. Timeouts and connection trouble
 * are retryable (the same request with the same idempotency key may get through later); a TLS
 * failure is not: a certificate that does not match will not fix itself between two retries.
 */
export function requestFailure(connector: { name: string; timeoutMs: number }, error: unknown, { timedOut }: { timedOut: boolean }): CoreError {
  if (error instanceof CoreError) return error;
  if (timedOut) return new CoreError("CONFLICT", `${connector.name} did not answer within ${describeMs(connector.timeoutMs)}`, { retryable: true, cause: error });
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "";
  const reason = unreachable[code];
  if (reason) return new CoreError("CONFLICT", `${connector.name} ${reason}`, { retryable: true, cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  if (isTlsFailure(code)) return new CoreError("CONFLICT", `${connector.name}'s TLS connection failed: ${detail}`, { cause: error });
  return new CoreError("CONFLICT", `${connector.name} could not be reached: ${detail}`, { retryable: true, cause: error });
}
