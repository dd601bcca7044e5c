/**
 * Server-sent events framing (the WHATWG event-stream format), read incrementally from response bytes.
 *
 * Pure and I/O-free: feed it chunks exactly as the network delivers them (split anywhere, even inside a
 * UTF-8 character or between CR and LF) and it returns the events completed so far. Comment lines
 * (`: keep-alive`) and fields other than `data` and `event` are ignored.
 */

export interface SseMessage {
  /** The `event:` field, "message" when absent. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
}

export class SseDecoder {
  private readonly text = new TextDecoder("utf-8");
  /** Text after the last complete line. */
  private buffer = "";
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to the same line break. */
  private skipLf = false;
  private first = true;
  private data: string[] = [];
  private event = "";

  /** The events completed by this chunk. */
  push(chunk: Uint8Array): SseMessage[] {
    return this.feed(this.text.decode(chunk, { stream: true }), false);
  }

  /** The stream ended: what is left (a last event without its blank line is still delivered). */
  end(): SseMessage[] {
    return this.feed(this.text.decode(), true);
  }

  private feed(decoded: string, last: boolean): SseMessage[] {
    let text = decoded;
    if (this.first && text !== "") {
      this.first = false;
      text = text.replace(/^\uFEFF/, "");
    }
    if (this.skipLf && text.startsWith("\n")) {
      text = text.slice(1);
    }
    if (text !== "") {
      this.skipLf = false;
    }
    this.buffer += text;
    const out: SseMessage[] = [];
    let start = 0;
    for (let index = 0; index < this.buffer.length; index += 1) {
      const char = this.buffer[index];
      if (char !== "\n" && char !== "\r") {
        continue;
      }
      this.line(this.buffer.slice(start, index), out);
      if (char === "\r") {
        if (index + 1 === this.buffer.length) {
          this.skipLf = true; // the LF of a CRLF may arrive with the next chunk
        } else if (this.buffer[index + 1] === "\n") {
          index += 1;
        }
      }
      start = index + 1;
    }
    this.buffer = this.buffer.slice(start);
    if (last) {
      if (this.buffer !== "") {
        this.line(this.buffer, out);
        this.buffer = "";
      }
      this.dispatch(out);
    }
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === "") {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(":")) {
      return; // a comment, such as the server's keep-alive
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) {
      value = value.slice(1);
    }
    if (field === "data") {
      this.data.push(value);
    } else if (field === "event") {
      this.event = value;
    }
  }

  private dispatch(out: SseMessage[]): void {
    if (this.data.length > 0) {
      out.push({ event: this.event === "" ? "message" : this.event, data: this.data.join("\n") });
    }
    this.data = [];
    this.event = "";
  }
}
