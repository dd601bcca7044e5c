/** The chat hook: owns the conversation through `chatReducer` and talks to the Chat API. */

import { useCallback, useEffect, useReducer, useRef } from "react";
import { ApiError, postChat, type PostChatOptions } from "../api/client";
import type { ChatReply, ChatRequest } from "../api/types";
import { MAX_MESSAGE_CHARS } from "../config";
import { newSessionId } from "../session";
import { chatReducer, initialChatState, type ChatState } from "./chatReducer";

export type PostChat = (request: ChatRequest, options?: PostChatOptions) => Promise<ChatReply>;

export interface UseChatDeps {
  postChat?: PostChat;
  newSessionId?: () => string;
}

export interface UseChat {
  state: ChatState;
  /** Send `text` (trimmed); ignored while an answer is pending or when empty or too long. */
  send: (text: string) => void;
  /** Send the last failed message again. */
  resend: () => void;
  setDraft: (text: string) => void;
  /** 「新しい会話」: cancel any pending request and start a new session. */
  reset: () => void;
  dismissError: () => void;
}

export function useChat(deps: UseChatDeps = {}): UseChat {
  const post = deps.postChat ?? postChat;
  const makeId = deps.newSessionId ?? newSessionId;
  const [state, dispatch] = useReducer(chatReducer, undefined, () => initialChatState(makeId()));
  // Callbacks read the latest state through a ref, so they stay stable and never send a stale session id.
  const stateRef = useRef(state);
  stateRef.current = state;
  const requestSeq = useRef(0);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => () => inFlight.current?.abort(), []);

  const send = useCallback(
    (raw: string) => {
      const text = raw.trim();
      const current = stateRef.current;
      if (text === "" || text.length > MAX_MESSAGE_CHARS || current.pending !== null) {
        return;
      }
      requestSeq.current += 1;
      const requestId = requestSeq.current;
      const controller = new AbortController();
      inFlight.current = controller;
      dispatch({ type: "sent", requestId, text });
      // Mark pending in the ref at once: a second Enter in the same tick must not send twice.
      stateRef.current = { ...current, pending: { requestId, text } };
      const request: ChatRequest = { message: text, session_id: current.sessionId, turn: current.turn };
      post(request, { signal: controller.signal }).then(
        (reply) => dispatch({ type: "succeeded", requestId, reply }),
        (reason: unknown) => {
          const error = reason instanceof ApiError ? reason : new ApiError(0, "network_error", String(reason));
          if (error.code === "aborted") {
            return;
          }
          const renewed = error.code === "session_expired" ? makeId() : null;
          dispatch({ type: "failed", requestId, error, newSessionId: renewed });
        },
      );
    },
    [post, makeId],
  );

  const resend = useCallback(() => {
    const failure = stateRef.current.error;
    if (failure !== null && failure.text !== "") {
      send(failure.text);
    }
  }, [send]);

  const setDraft = useCallback((text: string) => dispatch({ type: "draftChanged", text }), []);

  const reset = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    dispatch({ type: "reset", sessionId: makeId() });
  }, [makeId]);

  const dismissError = useCallback(() => dispatch({ type: "errorDismissed" }), []);

  return { state, send, resend, setDraft, reset, dismissError };
}
