import type { IncomingMessage } from "node:http";

/** How much of an answer is read and recorded; the rest is dropped and the result says `truncated`. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Reads at most `cap` bytes of the answer, holding no more than the cap plus the chunk being read;
 * past the cap the stream (and so the connection) is destroyed instead of being drained.
 */
export async function readCappedBody(response: IncomingMessage, cap = MAX_RESPONSE_BYTES): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    const room = cap - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      // Leaving the loop ends the iterator, which destroys the stream.
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}
