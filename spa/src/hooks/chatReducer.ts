/** Conversation state as a pure reducer, so every transition (including failures) is testable alone. */

import type { ApiError } from "../api/client";
import type { ApiErrorCode, ChatEvent, ChatReply } from "../api/types";

export type ChatMessage =
  | { id: string; role: "user"; text: string; failed: boolean }
  | { id: string; role: "assistant"; text: string; events: ChatEvent[] }
  | { id: string; role: "notice"; text: string };

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
  /** Exchanges completed in this session (sent as `turn`). */
  turn: number;
  messages: ChatMessage[];
  /** The composer's text; owned here so a failure can put the unsent message back. */
  draft: string;
  pending: { requestId: number; text: string } | null;
  error: ChatFailure | null;
  /** Next message key; keys never repeat within a page load. */
  nextKey: number;
}

export type ChatAction =
  | { type: "draftChanged"; text: string }
  | { type: "sent"; requestId: number; text: string }
  | { type: "succeeded"; requestId: number; reply: ChatReply }
  | { type: "failed"; requestId: number; error: ApiError; newSessionId: string | null }
  | { type: "reset"; sessionId: string }
  | { type: "errorDismissed" };

export const SESSION_RENEWED_NOTICE = "会話の有効期限が切れたため、新しい会話を開始しました。";

export function initialChatState(sessionId: string): ChatState {
  return { sessionId, turn: 0, messages: [], draft: "", pending: null, error: null, nextKey: 1 };
}

function key(state: ChatState): string {
  return `m${state.nextKey}`;
}

function onFailed(state: ChatState, action: Extract<ChatAction, { type: "failed" }>): ChatState {
  const text = state.pending?.text ?? "";
  let messages = state.messages.map((message, index) =>
    index === state.messages.length - 1 && message.role === "user" ? { ...message, failed: true } : message,
  );
  let { sessionId, turn, nextKey } = state;
  const id = `e${nextKey}`;
  nextKey += 1;
  if (action.error.code === "session_expired" && action.newSessionId !== null) {
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
    error: { id, code: action.error.code, retryAfter: action.error.retryAfter, text },
  };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "draftChanged":
      return { ...state, draft: action.text };
    case "sent": {
      if (state.pending !== null) {
        return state;
      }
      // A failed message is superseded by whatever is sent next (usually the same text again).
      const kept = state.messages.filter((message) => !(message.role === "user" && message.failed));
      return {
        ...state,
        messages: [...kept, { id: key(state), role: "user", text: action.text, failed: false }],
        nextKey: state.nextKey + 1,
        draft: state.draft.trim() === action.text ? "" : state.draft,
        pending: { requestId: action.requestId, text: action.text },
        error: null,
      };
    }
    case "succeeded":
      if (state.pending?.requestId !== action.requestId) {
        return state;
      }
      return {
        ...state,
        messages: [
          ...state.messages,
          { id: key(state), role: "assistant", text: action.reply.response, events: action.reply.events },
        ],
        nextKey: state.nextKey + 1,
        turn: state.turn + 1,
        pending: null,
      };
    case "failed":
      return state.pending?.requestId === action.requestId ? onFailed(state, action) : state;
    case "reset":
      return { ...initialChatState(action.sessionId), draft: state.draft, nextKey: state.nextKey };
    case "errorDismissed":
      return { ...state, error: null };
  }
}
