/** The chat hook: owns the conversation through `chatReducer`, streams answers, and keeps them across reloads. */

import { useCallback, useEffect, useReducer, useRef } from "react";
import { ApiError, streamChat, type StreamChatOptions } from "../api/client";
import type { ChatDone, ChatRequest } from "../api/types";
import { MAX_MESSAGE_CHARS } from "../config";
import { newSessionId } from "../session";
import { chatReducer, initialChatState, type ChatState } from "./chatReducer";
import { browserStorage, clearChat, loadChat, saveChat } from "./chatStorage";

export type StreamChat = (request: ChatRequest, options: StreamChatOptions) => Promise<ChatDone>;

export interface UseChatDeps {
  streamChat?: StreamChat;
  newSessionId?: () => string;
  /** Where the conversation survives a reload; null keeps it in memory only. Default: sessionStorage. */
  storage?: Storage | null;
}

export interface UseChat {
  state: ChatState;
  /** Send `text` (trimmed); ignored while an answer is pending or when empty or too long. */
  send: (text: string) => void;
  /** Send the last failed message again. */
  resend: () => void;
  /** 「停止」: abort the answer being written; what arrived stays, marked as stopped. */
  stop: () => void;
  setDraft: (text: string) => void;
  /** 「新しい会話」: cancel any pending request, forget the stored conversation and start a new session. */
  reset: () => void;
  dismissError: () => void;
}

/** Stored at most this often while an answer streams (and at once when the page is hidden or unloaded). */
const SAVE_INTERVAL_MS = 300;

export function useChat(deps: UseChatDeps = {}): UseChat {
  const stream = deps.streamChat ?? streamChat;
  const makeId = deps.newSessionId ?? newSessionId;
  const storage = deps.storage === undefined ? browserStorage() : deps.storage;
  const [state, dispatch] = useReducer(chatReducer, undefined, () => loadChat(storage) ?? initialChatState(makeId()));
  // Callbacks read the latest state through a ref, so they stay stable and never send a stale session id.
  const stateRef = useRef(state);
  stateRef.current = state;
  const requestSeq = useRef(0);
  const inFlight = useRef<AbortController | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => inFlight.current?.abort(), []);

  // Persist: throttled (one pending save always writes the latest state), flushed when the page goes away.
  useEffect(() => {
    if (saveTimer.current === null) {
      saveTimer.current = setTimeout(() => {
        saveTimer.current = null;
        saveChat(storage, stateRef.current);
      }, SAVE_INTERVAL_MS);
    }
  }, [state, storage]);
  useEffect(() => {
    const flush = (): void => saveChat(storage, stateRef.current);
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      if (saveTimer.current !== null) {
        clearTimeout(saveTimer.current);
        saveTimer.current = null;
      }
      flush();
    };
  }, [storage]);

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
      stateRef.current = { ...current, pending: { requestId, question: text, answer: "" } };
      const request: ChatRequest = { message: text, session_id: current.sessionId, turn: current.turn };
      stream(request, {
        signal: controller.signal,
        onText: (delta) => dispatch({ type: "textReceived", requestId, text: delta }),
      }).then(
        (done) => dispatch({ type: "succeeded", requestId, done }),
        (reason: unknown) => {
          const error = reason instanceof ApiError ? reason : new ApiError(0, "network_error", String(reason));
          if (error.code === "aborted") {
            return; // 停止 or 新しい会話 already said what happens to this answer
          }
          const renewed = error.code === "session_expired" ? makeId() : null;
          dispatch({ type: "failed", requestId, code: error.code, retryAfter: error.retryAfter, newSessionId: renewed });
        },
      ).finally(() => {
        if (inFlight.current === controller) {
          inFlight.current = null;
        }
      });
    },
    [stream, makeId],
  );

  const resend = useCallback(() => {
    const failure = stateRef.current.error;
    if (failure !== null && failure.text !== "") {
      send(failure.text);
    }
  }, [send]);

  const stop = useCallback(() => {
    const pending = stateRef.current.pending;
    if (pending === null) {
      return;
    }
    dispatch({ type: "stopped", requestId: pending.requestId });
    stateRef.current = { ...stateRef.current, pending: null };
    inFlight.current?.abort();
    inFlight.current = null;
  }, []);

  const setDraft = useCallback((text: string) => dispatch({ type: "draftChanged", text }), []);

  const reset = useCallback(() => {
    inFlight.current?.abort();
    inFlight.current = null;
    clearChat(storage);
    dispatch({ type: "reset", sessionId: makeId() });
  }, [makeId, storage]);

  const dismissError = useCallback(() => dispatch({ type: "errorDismissed" }), []);

  return { state, send, resend, stop, setDraft, reset, dismissError };
}
