/** Wire types of the Chat API (DESIGN.md Contract 2) and the shapes the UI works with. */

/** `POST /chat` request body. */
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
  | "bad_response"
  | "http_error"
  | "aborted";

/** Codes the server may put in `{"error": {"code": ...}}`. */
export const SERVER_ERROR_CODES: ReadonlySet<ApiErrorCode> = new Set<ApiErrorCode>([
  "invalid_request",
  "session_expired",
  "throttled",
  "agent_unavailable",
  "agent_timeout",
]);

/** One event card, normalised from the agent's compact event (every field but the title is optional). */
export interface ChatEvent {
  id: string;
  title: string;
  url: string | null;
  date: string | null;
  startedAt: string | null;
  place: string | null;
  prefecture: string | null;
  online: boolean;
  accepted: number | null;
  limit: number | null;
  waiting: number | null;
  openStatus: string | null;
  /** The agent's status (`open`, `full`, `preopen`, `closed`) and its one wording for it. */
  status: string | null;
  statusLabel: string | null;
  catchPhrase: string | null;
}

/** A successful answer. */
export interface ChatReply {
  /** Markdown; rendered without raw HTML. */
  response: string;
  sessionId: string;
  events: ChatEvent[];
}
