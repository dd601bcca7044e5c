/** The streaming client against a real HTTP server on 127.0.0.1: every Contract 2 failure, before and after the first byte. */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, parseStreamEvent, streamChat, type StreamChatOptions } from "./client";
import type { ChatDone, ChatRequest, ShownEvent } from "./types";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>;

let server: Server;
let baseUrl: string;
let handler: Handler;
let received: { method: string | undefined; url: string | undefined; headers: IncomingMessage["headers"]; body: string }[];

const request: ChatRequest = { message: "TypeScriptのカンファレンスある？", session_id: "a".repeat(36), turn: 2 };

function sse(event: unknown): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

const DONE = {
  type: "done",
  session_id: request.session_id,
  events: [
    {
      id: 1,
      title: "TSConf",
      url: "https://sample-connpass.example/event/1/",
      date: "2026年12月10日(木) 19:30〜21:30",
      place: "渋谷ホール",
      prefecture: "東京都",
      accepted: 30,
      limit: 30,
      waiting: 4,
      status: "full",
      status_label: "満席（補欠登録可）",
      group: "TypeScript Tokyo",
    },
    { id: 2, title: "no url" },
  ],
  meta: { model: "offline", source: "sample" },
};

/** DONE's first event as the client checks it; the second has no url and is dropped. */
const TSCONF: ShownEvent = {
  url: "https://sample-connpass.example/event/1/",
  title: "TSConf",
  date: "2026年12月10日(木) 19:30〜21:30",
  place: "渋谷ホール",
  prefecture: "東京都",
  online: false,
  accepted: 30,
  limit: 30,
  waiting: 4,
  status: "full",
  status_label: "満席（補欠登録可）",
  group: "TypeScript Tokyo",
  ended: false,
};

function openStream(res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store" });
  res.flushHeaders();
}

/** A server that writes these pieces (strings or raw bytes) one after another, then ends. */
function stream(pieces: (string | Uint8Array)[], { end = true }: { end?: boolean } = {}): Handler {
  return async (_req, _body, res) => {
    openStream(res);
    for (const piece of pieces) {
      res.write(piece);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (end) {
      res.end();
    }
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, _body, res) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

function apiError(status: number, code: string, headers: Record<string, string> = {}): Handler {
  return json(status, { error: { code, message: `サーバーのメッセージ(${code})` } }, headers);
}

/** Run the client, collecting the text it reports. */
async function run(options: Partial<StreamChatOptions> = {}): Promise<{ texts: string[]; done: ChatDone }> {
  const texts: string[] = [];
  const done = await streamChat(request, { baseUrl, onText: (text) => texts.push(text), ...options });
  return { texts, done };
}

async function failure(options: Partial<StreamChatOptions> = {}): Promise<{ error: ApiError; texts: string[] }> {
  const texts: string[] = [];
  try {
    await streamChat(request, { baseUrl, onText: (text) => texts.push(text), ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return { error: error as ApiError, texts };
  }
  throw new Error("expected the request to fail");
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      void handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  handler = json(500, {});
});

describe("streamChat", () => {
  it("posts the Contract 2 body as JSON asking for an event stream, and returns text deltas then done", async () => {
    handler = stream([
      sse({ type: "text", text: "## おすすめ\n" }),
      sse({ type: "text", text: "- [TSConf](https://sample-connpass.example/event/1/)" }),
      sse(DONE),
    ]);
    const { texts, done } = await run();
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe("POST");
    expect(received[0]?.url).toBe("/api/chat/stream");
    expect(received[0]?.headers["content-type"]).toBe("application/json");
    expect(received[0]?.headers.accept).toBe("text/event-stream");
    expect(JSON.parse(received[0]?.body ?? "")).toEqual(request);
    expect(texts).toEqual(["## おすすめ\n", "- [TSConf](https://sample-connpass.example/event/1/)"]);
    expect(done).toEqual({ sessionId: request.session_id, events: [TSCONF], source: "sample" });
  });

  it("hands over each delta while the server is still writing", async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    handler = async (_req, _body, res) => {
      openStream(res);
      res.write(sse({ type: "text", text: "最初の一文。" }));
      await released; // the rest only after the client has shown the first piece
      res.end(sse({ type: "text", text: "続き。" }) + sse(DONE));
    };
    const texts: string[] = [];
    await streamChat(request, {
      baseUrl,
      onText: (text) => {
        texts.push(text);
        release();
      },
    });
    expect(texts).toEqual(["最初の一文。", "続き。"]);
  });

  it("reassembles events split across writes, even inside a UTF-8 character, and skips keep-alives", async () => {
    const bytes = new TextEncoder().encode(sse({ type: "text", text: "東京で開催" }) + ": keep-alive\n\n" + sse(DONE));
    const pieces = [bytes.slice(0, 27), bytes.slice(27, 28), bytes.slice(28, 31), bytes.slice(31)];
    handler = stream(pieces);
    const { texts, done } = await run();
    expect(texts).toEqual(["東京で開催"]);
    expect(done.source).toBe("sample");
  });

  it("skips malformed and unknown events instead of failing the answer", async () => {
    handler = stream([
      "data: {not json\n\n",
      sse({ type: "thinking", text: "内部" }),
      sse({ type: "text", text: 42 }),
      sse({ type: "text", text: "回答" }),
      sse({ type: "done" }),
    ]);
    const { texts, done } = await run();
    expect(texts).toEqual(["回答"]);
    expect(done).toEqual({ sessionId: request.session_id, events: [], source: null });
  });

  it("turns an error event after text into an ApiError with its code and Japanese message", async () => {
    handler = stream([
      sse({ type: "text", text: "途中まで" }),
      sse({ type: "error", code: "agent_timeout", message: "時間内に回答できませんでした。" }),
    ]);
    const { error, texts } = await failure();
    expect(texts).toEqual(["途中まで"]);
    expect(error).toMatchObject({ status: 200, code: "agent_timeout", message: "時間内に回答できませんでした。" });
  });

  it.each(["throttled", "session_expired", "agent_unavailable", "invalid_request"])(
    "keeps the Contract 2 code %s of an error event",
    async (code) => {
      handler = stream([sse({ type: "error", code, message: "メッセージ" })]);
      expect((await failure()).error.code).toBe(code);
    },
  );

  it("reports an error event with an unknown code as http_error", async () => {
    handler = stream([sse({ type: "error", code: "brand_new", message: "x" })]);
    expect((await failure()).error.code).toBe("http_error");
  });

  it.each([
    [400, "invalid_request"],
    [408, "session_expired"],
    [503, "agent_unavailable"],
    [504, "agent_timeout"],
  ])("maps HTTP %i with a JSON error body to %s", async (status, code) => {
    handler = apiError(status, code);
    const { error, texts } = await failure();
    expect(texts).toEqual([]);
    expect(error).toMatchObject({ status, code, message: `サーバーのメッセージ(${code})`, retryAfter: null });
  });

  it("reads Retry-After seconds on 429 throttled", async () => {
    handler = apiError(429, "throttled", { "Retry-After": "7" });
    expect((await failure()).error).toMatchObject({ status: 429, code: "throttled", retryAfter: 7 });
  });

  it("reads Retry-After as an HTTP date", async () => {
    handler = apiError(429, "throttled", { "Retry-After": new Date(Date.now() + 120_000).toUTCString() });
    const { error } = await failure();
    expect(error.retryAfter).toBeGreaterThanOrEqual(118);
    expect(error.retryAfter).toBeLessThanOrEqual(120);
  });

  it("leaves retryAfter null on 429 without the header", async () => {
    handler = apiError(429, "throttled");
    expect((await failure()).error.retryAfter).toBeNull();
  });

  it.each([
    [400, "invalid_request"],
    [408, "session_expired"],
    [415, "http_error"],
    [429, "throttled"],
    [502, "agent_unavailable"],
    [503, "agent_unavailable"],
    [504, "agent_timeout"],
    [500, "http_error"],
    [403, "http_error"],
  ])("maps HTTP %i with a non-JSON body (gateway or CDN page) to %s", async (status, code) => {
    handler = (_req, _body, res) => {
      res.writeHead(status, { "Content-Type": "text/html" });
      res.end("<html><body><h1>Bad gateway</h1></body></html>");
    };
    expect((await failure()).error).toMatchObject({ status, code });
  });

  it("maps API Gateway's own JSON (no error object) by status, and an unknown body code by status", async () => {
    handler = json(504, { message: "Endpoint request timed out" });
    expect((await failure()).error).toMatchObject({ status: 504, code: "agent_timeout" });
    handler = apiError(503, "something_new");
    expect((await failure()).error.code).toBe("agent_unavailable");
  });

  it("rejects a 200 that is not an event stream (for example the SPA's index.html)", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><title>index</title>");
    };
    expect((await failure()).error).toMatchObject({ status: 200, code: "bad_response" });
  });

  it("reports a stream that ends without done as stream_interrupted, after delivering its text", async () => {
    handler = stream([sse({ type: "text", text: "途中" })]);
    const { error, texts } = await failure();
    expect(texts).toEqual(["途中"]);
    expect(error).toMatchObject({ status: 200, code: "stream_interrupted" });
  });

  it("reports a connection cut mid-answer as stream_interrupted", async () => {
    handler = async (_req, _body, res) => {
      openStream(res);
      res.write(sse({ type: "text", text: "途中" }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.destroy();
    };
    const { error, texts } = await failure();
    expect(texts).toEqual(["途中"]);
    expect(error.code).toBe("stream_interrupted");
  });

  it("reports a refused connection as network_error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { error } = await failure({ baseUrl: `http://127.0.0.1:${port}/api` });
    expect(error).toMatchObject({ status: 0, code: "network_error" });
  });

  it("gives up with code timeout when nothing arrives, before or after the headers", async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    expect((await failure({ timeoutMs: 150 })).error).toMatchObject({ status: 0, code: "timeout" });
    expect(Date.now() - started).toBeLessThan(2000);
    handler = stream([sse({ type: "text", text: "途中" })], { end: false }); // then silence
    const { error, texts } = await failure({ timeoutMs: 150 });
    expect(texts).toEqual(["途中"]);
    expect(error).toMatchObject({ status: 200, code: "timeout" });
  });

  it("counts keep-alive comments as signs of life", async () => {
    handler = async (_req, _body, res) => {
      openStream(res);
      for (let index = 0; index < 6; index += 1) {
        res.write(": keep-alive\n\n");
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      res.end(sse({ type: "text", text: "考えました" }) + sse(DONE));
    };
    expect((await run({ timeoutMs: 200 })).texts).toEqual(["考えました"]);
  });

  it("on the caller's abort rejects with aborted and closes the connection, so the server can cancel the turn", async () => {
    let closed: () => void = () => undefined;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    handler = (_req, _body, res) => {
      res.on("close", () => closed());
      openStream(res);
      res.write(sse({ type: "text", text: "途中" }));
    };
    const controller = new AbortController();
    const texts: string[] = [];
    const pending = streamChat(request, {
      baseUrl,
      signal: controller.signal,
      onText: (text) => {
        texts.push(text);
        controller.abort();
      },
    });
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    await serverSawClose;
    expect(texts).toEqual(["途中"]);
  });

  it("rejects at once with aborted when the signal is already aborted", async () => {
    handler = stream([sse(DONE)]);
    const controller = new AbortController();
    controller.abort();
    expect((await failure({ signal: controller.signal })).error.code).toBe("aborted");
  });

  it("uses the default same-origin base /api", async () => {
    const seen: string[] = [];
    const fetchImpl: typeof fetch = (input) => {
      seen.push(String(input));
      const body = new TextEncoder().encode(sse({ type: "text", text: "ok" }) + sse({ type: "done" }));
      return Promise.resolve(new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } }));
    };
    await streamChat(request, { onText: () => undefined, fetchImpl });
    expect(seen).toEqual(["/api/chat/stream"]);
  });
});

describe("parseStreamEvent", () => {
  it("reads the three event types of Contract 1", () => {
    expect(parseStreamEvent('{"type":"text","text":"a"}')).toEqual({ type: "text", text: "a" });
    expect(parseStreamEvent(JSON.stringify(DONE))).toEqual({
      type: "done",
      sessionId: request.session_id,
      events: [TSCONF],
      source: "sample",
    });
    expect(parseStreamEvent('{"type":"error","code":"throttled","message":"混雑"}')).toEqual({
      type: "error",
      code: "throttled",
      message: "混雑",
    });
  });

  it("returns null for anything else", () => {
    for (const data of ["", "null", "[]", '"text"', "{", '{"type":"text"}', '{"type":"ping"}', '{"text":"a"}']) {
      expect(parseStreamEvent(data)).toBeNull();
    }
  });
});
