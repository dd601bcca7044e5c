import { describe, expect, it } from "vitest";
import type { ApiErrorCode, ChatDone } from "../api/types";
import { shownEvent } from "../test/events";
import {
  chatReducer,
  initialChatState,
  SESSION_RENEWED_NOTICE,
  showsSampleEvents,
  type ChatAction,
  type ChatState,
} from "./chatReducer";

const SESSION = "s".repeat(36);
const done: ChatDone = { sessionId: SESSION, events: [], source: null };

function run(actions: ChatAction[], state: ChatState = initialChatState(SESSION)): ChatState {
  return actions.reduce(chatReducer, state);
}

function failed(requestId: number, code: ApiErrorCode, retryAfter: number | null = null, newSessionId: string | null = null): ChatAction {
  return { type: "failed", requestId, code, retryAfter, newSessionId };
}

/** A whole exchange: question, answer text in pieces, done. */
function exchange(requestId: number, question: string, ...pieces: string[]): ChatAction[] {
  return [
    { type: "sent", requestId, text: question },
    ...pieces.map((text): ChatAction => ({ type: "textReceived", requestId, text })),
    { type: "succeeded", requestId, done },
  ];
}

describe("chatReducer", () => {
  it("starts empty with turn 0", () => {
    expect(initialChatState(SESSION)).toMatchObject({ sessionId: SESSION, turn: 0, messages: [], pending: null });
  });

  it("grows the pending answer piece by piece, then appends it and counts the turn", () => {
    let state = run([
      { type: "draftChanged", text: "質問" },
      { type: "sent", requestId: 1, text: "質問" },
    ]);
    expect(state.pending).toEqual({ requestId: 1, question: "質問", answer: "" });
    expect(state.draft).toBe("");
    state = run(
      [
        { type: "textReceived", requestId: 1, text: "## 回" },
        { type: "textReceived", requestId: 1, text: "答" },
      ],
      state,
    );
    expect(state.pending?.answer).toBe("## 回答");
    expect(state.messages).toHaveLength(1); // the answer joins the conversation only when it is finished
    expect(state.turn).toBe(0);
    const finished = chatReducer(state, { type: "succeeded", requestId: 1, done });
    expect(finished.pending).toBeNull();
    expect(finished.turn).toBe(1);
    expect(finished.messages).toEqual([
      expect.objectContaining({ role: "user", text: "質問", failed: false }),
      expect.objectContaining({ role: "assistant", text: "## 回答", status: "complete", sample: false }),
    ]);
    expect(new Set(finished.messages.map((message) => message.id)).size).toBe(2);
  });

  it("marks an answer with sample events (meta.source or the sample domain)", () => {
    const real = shownEvent({ url: "https://connpass.com/event/1/" });
    expect(showsSampleEvents({ ...done, events: [shownEvent()] })).toBe(true);
    expect(showsSampleEvents({ ...done, events: [real], source: "sample" })).toBe(true);
    expect(showsSampleEvents({ ...done, events: [real], source: "connpass" })).toBe(false);
    expect(showsSampleEvents({ ...done, events: [], source: "sample" })).toBe(false); // a greeting shows none
    const state = run([
      { type: "sent", requestId: 1, text: "q" },
      { type: "textReceived", requestId: 1, text: "a" },
      { type: "succeeded", requestId: 1, done: { ...done, events: [shownEvent({ url: "https://x.sample-connpass.example/" })] } },
    ]);
    expect(state.messages.at(-1)).toMatchObject({ role: "assistant", sample: true });
  });

  it("keeps the finished answer's events on it; stopped and cut-off answers have none", () => {
    const events = [shownEvent(), shownEvent({ url: "https://sample-connpass.example/event/2/", title: "RustConf" })];
    const state = run([
      { type: "sent", requestId: 1, text: "q" },
      { type: "textReceived", requestId: 1, text: "a" },
      { type: "succeeded", requestId: 1, done: { ...done, events } },
      { type: "sent", requestId: 2, text: "q2" },
      { type: "textReceived", requestId: 2, text: "途中" },
      { type: "stopped", requestId: 2 },
      { type: "sent", requestId: 3, text: "q3" },
      { type: "textReceived", requestId: 3, text: "途中" },
      failed(3, "agent_timeout"),
    ]);
    const answers = state.messages.filter((message) => message.role === "assistant");
    expect(answers.map((answer) => [answer.status, answer.events])).toEqual([
      ["complete", events],
      ["stopped", []],
      ["interrupted", []],
    ]);
  });

  it("refuses a second send while one is pending", () => {
    const state = run([{ type: "sent", requestId: 1, text: "一つ目" }]);
    expect(chatReducer(state, { type: "sent", requestId: 2, text: "二つ目" })).toBe(state);
  });

  it("ignores text and results of requests that are no longer pending", () => {
    const state = run([{ type: "sent", requestId: 1, text: "質問" }, { type: "reset", sessionId: "n".repeat(36) }]);
    expect(chatReducer(state, { type: "textReceived", requestId: 1, text: "遅れて" })).toBe(state);
    expect(chatReducer(state, { type: "succeeded", requestId: 1, done })).toBe(state);
    expect(chatReducer(state, failed(1, "agent_unavailable"))).toBe(state);
    expect(chatReducer(state, { type: "stopped", requestId: 1 })).toBe(state);
  });

  it("on stop keeps the partial answer marked as stopped, without counting the turn", () => {
    const state = run([
      ...exchange(1, "最初", "回答"),
      { type: "sent", requestId: 2, text: "続き" },
      { type: "textReceived", requestId: 2, text: "途中まで" },
      { type: "stopped", requestId: 2 },
    ]);
    expect(state.turn).toBe(1);
    expect(state.pending).toBeNull();
    expect(state.error).toBeNull();
    expect(state.messages.at(-1)).toMatchObject({ role: "assistant", text: "途中まで", status: "stopped" });
    // Late results of the stopped request change nothing.
    expect(chatReducer(state, { type: "succeeded", requestId: 2, done })).toBe(state);
  });

  it("a stop before any text still records that the question was stopped", () => {
    const state = run([{ type: "sent", requestId: 1, text: "質問" }, { type: "stopped", requestId: 1 }]);
    expect(state.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(state.messages.at(-1)).toMatchObject({ text: "", status: "stopped" });
    expect(state.turn).toBe(0);
  });

  it("on failure before any text keeps the question: back in the draft, marked unsent, offered for resend", () => {
    const state = run([{ type: "sent", requestId: 1, text: "大阪だと？" }, failed(1, "agent_unavailable")]);
    expect(state.draft).toBe("大阪だと？");
    expect(state.error).toMatchObject({ code: "agent_unavailable", text: "大阪だと？", retryAfter: null });
    expect(state.messages).toEqual([expect.objectContaining({ role: "user", text: "大阪だと？", failed: true })]);
    expect(state.pending).toBeNull();
    expect(state.sessionId).toBe(SESSION);
  });

  it("on failure after text keeps the partial answer marked as interrupted, and offers the question again", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      { type: "textReceived", requestId: 1, text: "途中" },
      failed(1, "agent_timeout"),
    ]);
    expect(state.turn).toBe(0);
    expect(state.messages).toEqual([
      expect.objectContaining({ role: "user", text: "質問", failed: false }),
      expect.objectContaining({ role: "assistant", text: "途中", status: "interrupted" }),
    ]);
    expect(state.error).toMatchObject({ code: "agent_timeout", text: "質問" });
    const again = chatReducer(state, { type: "sent", requestId: 2, text: "質問" });
    expect(again.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  });

  it("treats a stream that finishes without any text as a bad response", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      { type: "succeeded", requestId: 1, done },
    ]);
    expect(state.error?.code).toBe("bad_response");
    expect(state.turn).toBe(0);
  });

  it("does not overwrite what the user typed while waiting", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "一つ目" },
      { type: "draftChanged", text: "次の質問" },
      failed(1, "network_error"),
    ]);
    expect(state.draft).toBe("次の質問");
    expect(state.error?.text).toBe("一つ目");
  });

  it("on session_expired switches to the new session, resets turn and says so", () => {
    const state = run([
      ...exchange(1, "質問", "回答"),
      { type: "sent", requestId: 2, text: "続き" },
      failed(2, "session_expired", null, "n".repeat(36)),
    ]);
    expect(state.sessionId).toBe("n".repeat(36));
    expect(state.turn).toBe(0);
    expect(state.messages.at(-1)).toMatchObject({ role: "notice", text: SESSION_RENEWED_NOTICE });
    expect(state.error).toMatchObject({ code: "session_expired", text: "続き" });
  });

  it("replaces the failed message when sending again and clears the error", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      failed(1, "agent_timeout"),
      { type: "sent", requestId: 2, text: "質問" },
    ]);
    expect(state.error).toBeNull();
    expect(state.draft).toBe("");
    expect(state.messages).toEqual([expect.objectContaining({ role: "user", text: "質問", failed: false })]);
  });

  it("keeps the retry wait of a throttled failure, and gives each failure its own id", () => {
    const first = run([{ type: "sent", requestId: 1, text: "q" }, failed(1, "throttled", 12)]);
    const second = run([{ type: "sent", requestId: 2, text: "q" }, failed(2, "throttled", 12)], first);
    expect(first.error?.retryAfter).toBe(12);
    expect(second.error?.id).not.toBe(first.error?.id);
  });

  it("reset starts a new session but keeps an unsent draft", () => {
    const state = run([
      ...exchange(1, "質問", "回答"),
      { type: "draftChanged", text: "書きかけ" },
      { type: "reset", sessionId: "n".repeat(36) },
    ]);
    expect(state).toMatchObject({ sessionId: "n".repeat(36), turn: 0, messages: [], error: null, draft: "書きかけ" });
  });
});
