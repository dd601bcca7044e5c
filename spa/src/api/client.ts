/** The Chat API client: one function, every failure turned into an `ApiError` at this boundary. */

import { API_BASE, REQUEST_TIMEOUT_MS } from "../config";
import { parseEvents } from "./events";
import { parseRetryAfter } from "./retryAfter";
import { SERVER_ERROR_CODES, type ApiErrorCode, type ChatReply, type ChatRequest } from "./types";

export type { ApiErrorCode, ChatEvent, ChatReply, ChatRequest } from "./types";

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

export interface PostChatOptions {
  /** Aborts the request (for example when the user starts a new conversation); rejects with code "aborted". */
  signal?: AbortSignal;
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

function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get("Retry-After"));
  const detail = isObject(body) && isObject(body.error) ? body.error : null;
  const bodyCode = detail !== null && typeof detail.code === "string" ? detail.code : null;
  const code =
    bodyCode !== null && SERVER_ERROR_CODES.has(bodyCode as ApiErrorCode)
      ? (bodyCode as ApiErrorCode)
      : codeForStatus(response.status);
  const message =
    detail !== null && typeof detail.message === "string" ? detail.message : `HTTP ${response.status}`;
  return new ApiError(response.status, code, message, retryAfter);
}

function parseReply(body: unknown, fallbackSessionId: string): ChatReply | null {
  if (!isObject(body) || typeof body.response !== "string") {
    return null;
  }
  return {
    response: body.response,
    sessionId: typeof body.session_id === "string" ? body.session_id : fallbackSessionId,
    events: parseEvents(body.events),
  };
}

/** `POST {base}/chat`; resolves with the answer or rejects with an `ApiError` (never anything else). */
export async function postChat(request: ChatRequest, options: PostChatOptions = {}): Promise<ChatReply> {
  const { signal, timeoutMs = REQUEST_TIMEOUT_MS, baseUrl = API_BASE, fetchImpl = globalThis.fetch } = options;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = (): void => controller.abort();
  signal?.addEventListener("abort", onAbort);
  if (signal?.aborted) {
    controller.abort();
  }
  try {
    const response = await fetchImpl(`${baseUrl}/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(request),
      signal: controller.signal,
      credentials: "same-origin",
    });
    const body = await readJson(response);
    if (!response.ok) {
      throw errorFromResponse(response, body);
    }
    const reply = parseReply(body, request.session_id);
    if (reply === null) {
      throw new ApiError(response.status, "bad_response", "The answer was not a Chat API reply.");
    }
    return reply;
  } catch (error) {
    if (error instanceof ApiError) {
      throw error;
    }
    if (timedOut) {
      throw new ApiError(0, "timeout", `No answer within ${timeoutMs} ms.`);
    }
    if (controller.signal.aborted) {
      throw new ApiError(0, "aborted", "The request was cancelled.");
    }
    throw new ApiError(0, "network_error", error instanceof Error ? error.message : "Network failure.");
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
