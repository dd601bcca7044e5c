/** Conversation state as a pure reducer, so every transition (including failures) is testable alone. */

import type { ApiErrorCode, ChatDone, ShownEvent } from "../api/types";
import { isSampleUrl } from "../markdown/safeUrl";

/** How an answer ended: written to the end, stopped by the user (or a reload), or cut by an error. */
export type AnswerStatus = "complete" | "stopped" | "interrupted";

export type ChatMessage =
  /** `failed`: no answer came; the next send supersedes it (usually the same text again). */
  | { id: string; role: "user"; text: string; failed: boolean }
  /**
   * `sample`: the answer shows events from the bundled sample catalogue. `events`: the events it shows, from
   * the tool data (`done.events`); empty while it is not complete (stopped, cut off) or when it shows none.
   */
  | { id: string; role: "assistant"; text: string; status: AnswerStatus; sample: boolean; events: ShownEvent[] }
  | { id: string; role: "notice"; text: string };

/** The question being answered and the answer's Markdown so far. */
export interface PendingAnswer {
  requestId: number;
  question: string;
  answer: string;
}

/** The last failed send: what went wrong and the text to offer for 「再送信」. */
export interface ChatFailure {
  /** Unique per failure, so the UI can restart its Retry-After countdown. */
  id: string;
  code: ApiErrorCode;
  retryAfter: number | null;
  text: string;
}

export interface ChatState {
  sessionId: string;
  /** Exchanges completed in this session (sent as `turn`); stopped and interrupted answers do not count. */
  turn: number;
  messages: ChatMessage[];
  /** The composer's text; owned here so a failure can put the unsent message back. */
  draft: string;
  pending: PendingAnswer | null;
  error: ChatFailure | null;
  /** Next message key; keys never repeat within a page load. */
  nextKey: number;
}

export type ChatAction =
  | { type: "draftChanged"; text: string }
  | { type: "sent"; requestId: number; text: string }
  | { type: "textReceived"; requestId: number; text: string }
  | { type: "succeeded"; requestId: number; done: ChatDone }
  | { type: "failed"; requestId: number; code: ApiErrorCode; retryAfter: number | null; newSessionId: string | null }
  | { type: "stopped"; requestId: number }
  | { type: "reset"; sessionId: string }
  | { type: "errorDismissed" };

export const SESSION_RENEWED_NOTICE = "会話の有効期限が切れたため、新しい会話を開始しました。";

export function initialChatState(sessionId: string): ChatState {
  return { sessionId, turn: 0, messages: [], draft: "", pending: null, error: null, nextKey: 1 };
}

/** Whether a finished answer shows sample events: the API's `meta.source`, or the events' example-domain URLs. */
export function showsSampleEvents(done: ChatDone): boolean {
  return done.events.length > 0 && (done.source === "sample" || done.events.some((event) => isSampleUrl(event.url)));
}

/** The pending answer, ended with `status`, appended to the conversation (nothing when no text arrived). */
function withAnswer(
  state: ChatState,
  status: AnswerStatus,
  done: ChatDone | null = null,
): Pick<ChatState, "messages" | "nextKey"> {
  const answer = state.pending?.answer ?? "";
  if (answer === "" && status !== "stopped") {
    return { messages: state.messages, nextKey: state.nextKey };
  }
  const sample = done !== null && showsSampleEvents(done);
  const events = done?.events ?? [];
  return {
    messages: [...state.messages, { id: `m${state.nextKey}`, role: "assistant", text: answer, status, sample, events }],
    nextKey: state.nextKey + 1,
  };
}

function onFailed(state: ChatState, action: Extract<ChatAction, { type: "failed" }>): ChatState {
  const text = state.pending?.question ?? "";
  const answered = (state.pending?.answer ?? "") !== "";
  // Without any answer the question counts as unsent; a partial answer stays, marked as cut off.
  let { messages, nextKey } = answered
    ? withAnswer(state, "interrupted")
    : {
        messages: state.messages.map((message, index) =>
          index === state.messages.length - 1 && message.role === "user" ? { ...message, failed: true } : message,
        ),
        nextKey: state.nextKey,
      };
  let { sessionId, turn } = state;
  const id = `e${nextKey}`;
  nextKey += 1;
  if (action.code === "session_expired" && action.newSessionId !== null) {
    sessionId = action.newSessionId;
    turn = 0;
    messages = [...messages, { id: `m${nextKey}`, role: "notice", text: SESSION_RENEWED_NOTICE }];
    nextKey += 1;
  }
  return {
    ...state,
    sessionId,
    turn,
    messages,
    nextKey,
    pending: null,
    // Never lose the text: back into the composer unless the user already typed something new.
    draft: state.draft.trim() === "" ? text : state.draft,
    error: { id, code: action.code, retryAfter: action.retryAfter, text },
  };
}

function isCurrent(state: ChatState, requestId: number): boolean {
  return state.pending?.requestId === requestId;
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "draftChanged":
      return { ...state, draft: action.text };
    case "sent": {
      if (state.pending !== null) {
        return state;
      }
      const kept = state.messages.filter((message) => !(message.role === "user" && message.failed));
      return {
        ...state,
        messages: [...kept, { id: `m${state.nextKey}`, role: "user", text: action.text, failed: false }],
        nextKey: state.nextKey + 1,
        draft: state.draft.trim() === action.text ? "" : state.draft,
        pending: { requestId: action.requestId, question: action.text, answer: "" },
        error: null,
      };
    }
    case "textReceived":
      if (!isCurrent(state, action.requestId) || state.pending === null || action.text === "") {
        return state;
      }
      return { ...state, pending: { ...state.pending, answer: state.pending.answer + action.text } };
    case "succeeded":
      if (!isCurrent(state, action.requestId)) {
        return state;
      }
      if (state.pending?.answer.trim() === "") {
        // A stream that ends without a word is not an answer.
        return onFailed(state, { ...action, type: "failed", code: "bad_response", retryAfter: null, newSessionId: null });
      }
      return { ...state, ...withAnswer(state, "complete", action.done), turn: state.turn + 1, pending: null };
    case "stopped":
      // Not a completed exchange: the server cancels the turn and restores its history, so `turn` stays.
      return isCurrent(state, action.requestId) ? { ...state, ...withAnswer(state, "stopped"), pending: null } : state;
    case "failed":
      return isCurrent(state, action.requestId) ? onFailed(state, action) : state;
    case "reset":
      return { ...initialChatState(action.sessionId), draft: state.draft, nextKey: state.nextKey };
    case "errorDismissed":
      return { ...state, error: null };
  }
}
