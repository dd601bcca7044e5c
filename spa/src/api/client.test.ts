/** The client against a real HTTP server on 127.0.0.1: every Contract 2 status and every client-side failure. */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, postChat } from "./client";
import type { ChatRequest } from "./types";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
let received: { method: string | undefined; url: string | undefined; headers: IncomingMessage["headers"]; body: string }[];

const request: ChatRequest = { message: "TypeScriptのカンファレンスある？", session_id: "a".repeat(36), turn: 2 };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, _body, res) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };
}

function apiError(status: number, code: string, headers: Record<string, string> = {}): Handler {
  return json(status, { error: { code, message: `サーバーのメッセージ(${code})` } }, headers);
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
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
      handler(req, body, res);
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

describe("postChat", () => {
  it("posts the Contract 2 body as JSON and returns the reply with parsed events", async () => {
    handler = json(200, {
      response: "## おすすめ\n- [TSConf](https://sample-connpass.example/event/1/)",
      session_id: request.session_id,
      events: [{ id: 1, title: "TSConf", url: "https://sample-connpass.example/event/1/", accepted: 10, limit: 50 }],
    });
    const reply = await postChat(request, { baseUrl });
    expect(received).toHaveLength(1);
    expect(received[0]?.method).toBe("POST");
    expect(received[0]?.url).toBe("/api/chat");
    expect(received[0]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(received[0]?.body ?? "")).toEqual(request);
    expect(reply.response).toContain("## おすすめ");
    expect(reply.sessionId).toBe(request.session_id);
    expect(reply.events).toHaveLength(1);
    expect(reply.events[0]).toMatchObject({ id: "1", title: "TSConf", accepted: 10, limit: 50 });
  });

  it("treats a missing events array as no events", async () => {
    handler = json(200, { response: "こんにちは", session_id: request.session_id });
    expect((await postChat(request, { baseUrl })).events).toEqual([]);
  });

  it.each([
    [400, "invalid_request"],
    [408, "session_expired"],
    [503, "agent_unavailable"],
    [504, "agent_timeout"],
  ])("maps HTTP %i with a JSON error body to %s", async (status, code) => {
    handler = apiError(status, code);
    const error = await failure(postChat(request, { baseUrl }));
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toBe(`サーバーのメッセージ(${code})`);
    expect(error.retryAfter).toBeNull();
  });

  it("reads Retry-After seconds on 429 throttled", async () => {
    handler = apiError(429, "throttled", { "Retry-After": "7" });
    const error = await failure(postChat(request, { baseUrl }));
    expect(error).toMatchObject({ status: 429, code: "throttled", retryAfter: 7 });
  });

  it("reads Retry-After as an HTTP date", async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    handler = apiError(429, "throttled", { "Retry-After": inTwoMinutes });
    const error = await failure(postChat(request, { baseUrl }));
    expect(error.retryAfter).toBeGreaterThanOrEqual(118);
    expect(error.retryAfter).toBeLessThanOrEqual(120);
  });

  it("leaves retryAfter null on 429 without the header", async () => {
    handler = apiError(429, "throttled");
    expect((await failure(postChat(request, { baseUrl }))).retryAfter).toBeNull();
  });

  it.each([
    [400, "invalid_request"],
    [408, "session_expired"],
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
    const error = await failure(postChat(request, { baseUrl }));
    expect(error).toMatchObject({ status, code });
  });

  it("maps API Gateway's own JSON (no error object) by status", async () => {
    handler = json(504, { message: "Endpoint request timed out" });
    expect(await failure(postChat(request, { baseUrl }))).toMatchObject({ status: 504, code: "agent_timeout" });
  });

  it("ignores an unknown code in the body and falls back to the status", async () => {
    handler = apiError(503, "something_new");
    expect((await failure(postChat(request, { baseUrl }))).code).toBe("agent_unavailable");
  });

  it("rejects a 200 whose body is not a reply", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<!doctype html><title>index</title>");
    };
    expect(await failure(postChat(request, { baseUrl }))).toMatchObject({ status: 200, code: "bad_response" });
    handler = json(200, { response: 42 });
    expect((await failure(postChat(request, { baseUrl }))).code).toBe("bad_response");
  });

  it("reports a refused connection as network_error", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(postChat(request, { baseUrl: `http://127.0.0.1:${port}/api` }));
    expect(error).toMatchObject({ status: 0, code: "network_error" });
  });

  it("gives up after the client timeout with code timeout", async () => {
    handler = () => undefined; // never answers
    const started = Date.now();
    const error = await failure(postChat(request, { baseUrl, timeoutMs: 150 }));
    expect(error).toMatchObject({ status: 0, code: "timeout" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("times out a body that stalls after the headers", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"response": "');
    };
    expect((await failure(postChat(request, { baseUrl, timeoutMs: 150 }))).code).toBe("timeout");
  });

  it("reports a caller's abort as aborted, not as a failure to show", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = postChat(request, { baseUrl, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect(await failure(pending)).toMatchObject({ status: 0, code: "aborted" });
  });

  it("uses the default same-origin base /api", async () => {
    const seen: string[] = [];
    const fetchImpl: typeof fetch = (input) => {
      seen.push(String(input));
      return Promise.resolve(new Response(JSON.stringify({ response: "ok", session_id: "x" }), { status: 200 }));
    };
    await postChat(request, { fetchImpl });
    expect(seen).toEqual(["/api/chat"]);
  });
});
