/**
 * The Chat API client: `POST {base}/chat/stream`, read as server-sent events while the answer is written.
 * Every failure becomes an `ApiError` at this boundary, before the first byte (HTTP status + JSON body) and
 * after it (an SSE `error` event, a cut connection, silence).
 */

import { API_BASE, REQUEST_TIMEOUT_MS } from "../config";
import { parseShownEvents } from "./events";
import { parseRetryAfter } from "./retryAfter";
import { SseDecoder } from "./sse";
import {
  SERVER_ERROR_CODES,
  type ApiErrorCode,
  type ChatDone,
  type ChatRequest,
  type ChatStreamEvent,
} from "./types";

export type { ApiErrorCode, ChatDone, ChatRequest, ChatStreamEvent, ShownEvent } from "./types";

/** A failed chat request; `status` is 0 when no HTTP response arrived. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  /** Seconds from `Retry-After`, when the server sent one. */
  readonly retryAfter: number | null;

  constructor(status: number, code: ApiErrorCode, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export interface StreamChatOptions {
  /** Called with each piece of the answer's Markdown, in order, as it arrives. */
  onText: (text: string) => void;
  /** Aborts the request (停止, 新しい会話); rejects with code "aborted" and the server cancels the turn. */
  signal?: AbortSignal;
  /** Longest silence (no byte, not even a keep-alive) before giving up with code "timeout". */
  timeoutMs?: number;
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

/** Status → code when the body does not say (API Gateway and CloudFront errors are not ours). */
function codeForStatus(status: number): ApiErrorCode {
  switch (status) {
    case 400:
      return "invalid_request";
    case 408:
      return "session_expired";
    case 429:
      return "throttled";
    case 502:
    case 503:
      return "agent_unavailable";
    case 504:
      return "agent_timeout";
    default:
      return "http_error";
  }
}

function serverCode(code: unknown): ApiErrorCode | null {
  return typeof code === "string" && SERVER_ERROR_CODES.has(code as ApiErrorCode) ? (code as ApiErrorCode) : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as JSON, or undefined when it is not JSON (network and abort errors still propagate). */
async function readJson(response: Response): Promise<unknown> {
  const raw = await response.text();
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** A non-2xx response as an `ApiError`: the body's code when it is one of ours, otherwise one for the status. */
export function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  const detail = isObject(body) && isObject(body.error) ? body.error : null;
  const code = serverCode(detail?.code) ?? codeForStatus(response.status);
  const message =
    detail !== null && typeof detail.message === "string" ? detail.message : `HTTP ${response.status}`;
  return new ApiError(response.status, code, message, retryAfter);
}

/** One SSE `data` payload as a stream event; null for anything else (unknown types, broken JSON). */
export function parseStreamEvent(data: string): ChatStreamEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data) as unknown;
  } catch {
    return null;
  }
  if (!isObject(value)) {
    return null;
  }
  switch (value.type) {
    case "text":
      return typeof value.text === "string" ? { type: "text", text: value.text } : null;
    case "done": {
      const events = parseShownEvents(value.events);
      const source = isObject(value.meta) && typeof value.meta.source === "string" ? value.meta.source : null;
      const sessionId = typeof value.session_id === "string" ? value.session_id : null;
      return { type: "done", sessionId, events, source };
    }
    case "error":
      return {
        type: "error",
        code: typeof value.code === "string" ? value.code : "",
        message: typeof value.message === "string" ? value.message : "",
      };
    default:
      return null;
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get("Content-Type") ?? "").toLowerCase().startsWith("text/event-stream");
}

/**
 * `POST {base}/chat/stream`: calls `onText` with each piece of the answer and resolves at the `done` event,
 * or rejects with an `ApiError` (never anything else).
 */
export async function streamChat(request: ChatRequest, options: StreamChatOptions): Promise<ChatDone> {
  const { onText, signal, timeoutMs = REQUEST_TIMEOUT_MS, baseUrl = API_BASE, fetchImpl = globalThis.fetch } = options;
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const armTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const onAbort = (): void => controller.abort();
  signal?.addEventListener("abort", onAbort);
  if (signal?.aborted) {
    controller.abort();
  }
  let status = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    armTimer();
    const response = await fetchImpl(`${baseUrl}/chat/stream`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(request),
      signal: controller.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) {
      throw errorFromResponse(response, await readJson(response));
    }
    if (!isEventStream(response) || response.body === null) {
      throw new ApiError(response.status, "bad_response", "The answer was not an event stream.");
    }
    status = response.status;
    reader = response.body.getReader();
    const decoder = new SseDecoder();
    for (;;) {
      armTimer();
      const chunk = await reader.read();
      const messages = chunk.done ? decoder.end() : decoder.push(chunk.value);
      for (const message of messages) {
        const event = parseStreamEvent(message.data);
        if (event?.type === "text") {
          onText(event.text);
        } else if (event?.type === "done") {
          return { sessionId: event.sessionId ?? request.session_id, events: event.events, source: event.source };
        } else if (event?.type === "error") {
          throw new ApiError(status, serverCode(event.code) ?? "http_error", event.message);
        }
      }
      if (chunk.done) {
        reader = null;
        throw new ApiError(status, "stream_interrupted", "The stream ended before its done event.");
      }
    }
  } catch (error) {
    if (error instanceof ApiError) {
      throw error;
    }
    if (timedOut) {
      throw new ApiError(status, "timeout", `Nothing arrived for ${timeoutMs} ms.`);
    }
    if (controller.signal.aborted) {
      throw new ApiError(status, "aborted", "The request was cancelled.");
    }
    const detail = error instanceof Error ? error.message : "Network failure.";
    throw new ApiError(status, status === 0 ? "network_error" : "stream_interrupted", detail);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    // After done or an error event nothing more is read: release the connection.
    reader?.cancel().catch(() => undefined);
  }
}
