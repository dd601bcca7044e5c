/** The SSE framing on its own: chunks split anywhere, comments, several events per chunk, odd lines. */

import { describe, expect, it } from "vitest";
import { SseDecoder, type SseMessage } from "./sse";

const encoder = new TextEncoder();

/** Feed `bytes` in pieces cut at `cuts` (byte offsets), then end the stream. */
function decodeBytes(bytes: Uint8Array, cuts: number[] = []): SseMessage[] {
  const decoder = new SseDecoder();
  const out: SseMessage[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(...decoder.push(bytes.slice(from, cut)));
    from = cut;
  }
  out.push(...decoder.end());
  return out;
}

function decode(text: string, cuts: number[] = []): SseMessage[] {
  return decodeBytes(encoder.encode(text), cuts);
}

function data(messages: SseMessage[]): string[] {
  return messages.map((message) => message.data);
}

const STREAM =
  'data: {"type":"text","text":"今日から"}\n\n' +
  ": keep-alive\n\n" +
  'data: {"type":"text","text":"3件見つけました。"}\n\n' +
  'data: {"type":"done","session_id":"s","events":[]}\n\n';

const EXPECTED = [
  '{"type":"text","text":"今日から"}',
  '{"type":"text","text":"3件見つけました。"}',
  '{"type":"done","session_id":"s","events":[]}',
];

describe("SseDecoder", () => {
  it("returns every event of a chunk, in order, and ignores comment lines", () => {
    expect(data(decode(STREAM))).toEqual(EXPECTED);
  });

  it("gives the same events wherever the bytes are cut, even inside a UTF-8 character", () => {
    const bytes = encoder.encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(data(decodeBytes(bytes, [cut]))).toEqual(EXPECTED);
    }
    // One byte at a time: every multi-byte character is split.
    expect(data(decodeBytes(bytes, Array.from({ length: bytes.length - 1 }, (_, index) => index + 1)))).toEqual(
      EXPECTED,
    );
  });

  it("delivers an event as soon as its blank line arrives, not at the end of the stream", () => {
    const decoder = new SseDecoder();
    expect(decoder.push(encoder.encode('data: {"type":"text","text":"あ"}\n'))).toEqual([]);
    expect(data(decoder.push(encoder.encode("\ndata: {\"type\"")))).toEqual(['{"type":"text","text":"あ"}']);
    expect(decoder.push(encoder.encode(':"text","text":"い"}\n\n'))).toEqual([
      { event: "message", data: '{"type":"text","text":"い"}' },
    ]);
  });

  it("accepts CRLF and CR line ends, also when CR and LF arrive in different chunks", () => {
    const text = 'data: {"n":1}\r\n\r\ndata: {"n":2}\r\rdata: {"n":3}\n\n';
    const expected = ['{"n":1}', '{"n":2}', '{"n":3}'];
    expect(data(decode(text))).toEqual(expected);
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(data(decode(text, [cut]))).toEqual(expected);
    }
  });

  it("joins multi-line data with newlines and keeps the event name", () => {
    expect(decode("event: update\ndata: first\ndata:second\ndata:  indented\n\n")).toEqual([
      { event: "update", data: "first\nsecond\n indented" },
    ]);
  });

  it("ignores comments, unknown fields, id and retry lines, and blank lines without data", () => {
    expect(decode(":ok\n\nid: 7\nretry: 100\nfoo: bar\n\n\n\ndata\n\n")).toEqual([{ event: "message", data: "" }]);
    expect(decode(": keep-alive\n\n: keep-alive\n\n")).toEqual([]);
  });

  it("passes malformed data through untouched (the caller decides what JSON it accepts)", () => {
    expect(data(decode('data: {"type": "text", "te\n\ndata: not json\n\ndata: {"type":"done"}\n\n'))).toEqual([
      '{"type": "text", "te',
      "not json",
      '{"type":"done"}',
    ]);
  });

  it("drops a byte-order mark at the start of the stream only", () => {
    expect(data(decode("\uFEFFdata: a\n\ndata: \uFEFFb\n\n"))).toEqual(["a", "\uFEFFb"]);
  });

  it("delivers a last event whose blank line never came when the stream ends", () => {
    expect(data(decode('data: {"type":"done"}\n'))).toEqual(['{"type":"done"}']);
    expect(data(decode('data: {"type":"done"}'))).toEqual(['{"type":"done"}']);
  });
});
