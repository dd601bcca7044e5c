/** Wire types of the Chat API (DESIGN.md Contract 2, streamed as Contract 1's events) and what the UI gets. */

import type { ShownEvent } from "./events";

export type { EventStatus, ShownEvent } from "./events";

/** `POST /chat/stream` request body (the same as `POST /chat`). */
export interface ChatRequest {
  message: string;
  session_id: string;
  /** Exchanges this session already had; the agent answers 408 when it has lost them. */
  turn: number;
}

/** Error codes sent by the API, plus the client-side failures the UI must explain too. */
export type ApiErrorCode =
  | "invalid_request"
  | "session_expired"
  | "throttled"
  | "agent_unavailable"
  | "agent_timeout"
  | "timeout"
  | "network_error"
  | "stream_interrupted"
  | "bad_response"
  | "http_error"
  | "aborted";

/** Codes the server may put in `{"error": {"code": ...}}` or in an SSE `error` event. */
export const SERVER_ERROR_CODES: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>([
  "invalid_request",
  "session_expired",
  "throttled",
  "agent_unavailable",
  "agent_timeout",
]);

/** One SSE event of the answer stream, as the client understands it. */
export type ChatStreamEvent =
  | { type: "text"; text: string }
  | { type: "done"; sessionId: string | null; events: ShownEvent[]; source: string | null }
  | { type: "error"; code: string; message: string };

/** The end of a streamed answer (its text arrived through `onText`). */
export interface ChatDone {
  sessionId: string;
  /** The events the answer shows (the `done` event's `events`), checked; malformed entries are dropped. */
  events: ShownEvent[];
  /** `meta.source`: where the events came from ("sample" for the bundled catalogue), when the API says. */
  source: string | null;
}
