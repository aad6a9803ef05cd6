import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

import { waitFor } from "@leash/core/testing";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  if (length >= 65_536) throw new Error("frame too large for this fake");
  return Buffer.concat([header, payload]);
}

/** Reads the complete client frames (always masked) at the start of `buffer`; returns them and what is left. */
function readFrames(buffer: Buffer): { frames: { opcode: number; payload: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const opcode = (buffer[offset] ?? 0) & 0x0f;
    let length = (buffer[offset + 1] ?? 0) & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    if (buffer.length < cursor + 4 + length) break;
    const mask = buffer.subarray(cursor, cursor + 4);
    const payload = Buffer.from(buffer.subarray(cursor + 4, cursor + 4 + length));
    for (let index = 0; index < payload.length; index += 1) payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
    frames.push({ opcode, payload });
    offset = cursor + 4 + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

export interface FakeSocketMode {
  /** The URL apps.connections.open hands out. */
  url: string;
  /** Envelope ids the bot acknowledged, with the payload it acknowledged with. */
  acks: Map<string, unknown>;
  connected(): boolean;
  /** Sends an envelope as Slack does, and waits for the bot to acknowledge it. */
  deliver(type: "interactive" | "slash_commands" | "events_api", payload: unknown): Promise<unknown>;
  close(): void;
}

/**
 * Slack's side of Socket Mode on the fake's own HTTP server: the WebSocket handshake, `hello`,
 * envelopes out, acknowledgements in, pings answered. Just enough WebSocket (RFC 6455) for it.
 */
export function attachSocketMode(server: Server, baseUrl: string): FakeSocketMode {
  const sockets = new Set<Duplex>();
  const acks = new Map<string, unknown>();
  server.on("upgrade", (request: IncomingMessage, socket: Duplex) => {
    const key = request.headers["sec-websocket-key"];
    if (typeof key !== "string") {
      socket.destroy();
      return;
    }
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const { opcode, payload } of frames) {
        if (opcode === PING) socket.write(frame(PONG, payload));
        else if (opcode === CLOSE) {
          socket.end(frame(CLOSE, payload));
          sockets.delete(socket);
        } else if (opcode === TEXT) {
          const message = JSON.parse(payload.toString("utf8")) as { envelope_id?: string; payload?: unknown };
          if (message.envelope_id) acks.set(message.envelope_id, message.payload ?? null);
        }
      }
    });
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => sockets.delete(socket));
    const hello = { type: "hello", num_connections: 1, debug_info: { host: "fake", approximate_connection_time: 3600 }, connection_info: { app_id: "ALEASH" } };
    socket.write(frame(TEXT, Buffer.from(JSON.stringify(hello))));
  });
  return {
    url: `${baseUrl.replace(/^http/, "ws")}/socket-mode`,
    acks,
    connected: () => sockets.size > 0,
    async deliver(type, payload) {
      const envelopeId = randomUUID();
      const envelope = { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== "events_api", retry_attempt: 0, retry_reason: "" };
      for (const socket of sockets) socket.write(frame(TEXT, Buffer.from(JSON.stringify(envelope))));
      return waitFor(() => Promise.resolve(acks.has(envelopeId) ? { acked: acks.get(envelopeId) } : undefined), { what: `the ack of envelope ${envelopeId}` });
    },
    close() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
