import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { ChatReply } from "../api/types";
import { chatReducer, initialChatState, SESSION_RENEWED_NOTICE, type ChatAction, type ChatState } from "./chatReducer";

const SESSION = "s".repeat(36);
const reply: ChatReply = { response: "## 回答", sessionId: SESSION, events: [] };

function run(actions: ChatAction[], state: ChatState = initialChatState(SESSION)): ChatState {
  return actions.reduce(chatReducer, state);
}

describe("chatReducer", () => {
  it("starts empty with turn 0", () => {
    expect(initialChatState(SESSION)).toMatchObject({ sessionId: SESSION, turn: 0, messages: [], pending: null });
  });

  it("appends the question, then the answer, and counts the turn", () => {
    const state = run([
      { type: "draftChanged", text: "質問" },
      { type: "sent", requestId: 1, text: "質問" },
    ]);
    expect(state.pending).toEqual({ requestId: 1, text: "質問" });
    expect(state.draft).toBe("");
    const done = chatReducer(state, { type: "succeeded", requestId: 1, reply });
    expect(done.pending).toBeNull();
    expect(done.turn).toBe(1);
    expect(done.messages.map((message) => [message.role, message.text])).toEqual([
      ["user", "質問"],
      ["assistant", "## 回答"],
    ]);
    expect(new Set(done.messages.map((message) => message.id)).size).toBe(2);
  });

  it("refuses a second send while one is pending", () => {
    const state = run([{ type: "sent", requestId: 1, text: "一つ目" }]);
    expect(chatReducer(state, { type: "sent", requestId: 2, text: "二つ目" })).toBe(state);
  });

  it("ignores results of requests that are no longer pending", () => {
    const state = run([{ type: "sent", requestId: 1, text: "質問" }, { type: "reset", sessionId: "n".repeat(36) }]);
    expect(chatReducer(state, { type: "succeeded", requestId: 1, reply })).toBe(state);
    const error = new ApiError(503, "agent_unavailable", "x");
    expect(chatReducer(state, { type: "failed", requestId: 1, error, newSessionId: null })).toBe(state);
  });

  it("on failure keeps the text: back in the draft, marked unsent, offered for resend", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "大阪だと？" },
      { type: "failed", requestId: 1, error: new ApiError(503, "agent_unavailable", "x"), newSessionId: null },
    ]);
    expect(state.draft).toBe("大阪だと？");
    expect(state.error).toMatchObject({ code: "agent_unavailable", text: "大阪だと？", retryAfter: null });
    expect(state.messages).toEqual([expect.objectContaining({ role: "user", text: "大阪だと？", failed: true })]);
    expect(state.pending).toBeNull();
    expect(state.sessionId).toBe(SESSION);
  });

  it("does not overwrite what the user typed while waiting", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "一つ目" },
      { type: "draftChanged", text: "次の質問" },
      { type: "failed", requestId: 1, error: new ApiError(0, "network_error", "x"), newSessionId: null },
    ]);
    expect(state.draft).toBe("次の質問");
    expect(state.error?.text).toBe("一つ目");
  });

  it("on session_expired switches to the new session, resets turn and says so", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      { type: "succeeded", requestId: 1, reply },
      { type: "sent", requestId: 2, text: "続き" },
      { type: "failed", requestId: 2, error: new ApiError(408, "session_expired", "x"), newSessionId: "n".repeat(36) },
    ]);
    expect(state.sessionId).toBe("n".repeat(36));
    expect(state.turn).toBe(0);
    expect(state.messages.at(-1)).toMatchObject({ role: "notice", text: SESSION_RENEWED_NOTICE });
    expect(state.error).toMatchObject({ code: "session_expired", text: "続き" });
  });

  it("replaces the failed message when sending again and clears the error", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      { type: "failed", requestId: 1, error: new ApiError(504, "agent_timeout", "x"), newSessionId: null },
      { type: "sent", requestId: 2, text: "質問" },
    ]);
    expect(state.error).toBeNull();
    expect(state.draft).toBe("");
    expect(state.messages).toEqual([expect.objectContaining({ role: "user", text: "質問", failed: false })]);
  });

  it("keeps the retry wait of a throttled failure, and gives each failure its own id", () => {
    const first = run([
      { type: "sent", requestId: 1, text: "q" },
      { type: "failed", requestId: 1, error: new ApiError(429, "throttled", "x", 12), newSessionId: null },
    ]);
    const second = run(
      [
        { type: "sent", requestId: 2, text: "q" },
        { type: "failed", requestId: 2, error: new ApiError(429, "throttled", "x", 12), newSessionId: null },
      ],
      first,
    );
    expect(first.error?.retryAfter).toBe(12);
    expect(second.error?.id).not.toBe(first.error?.id);
  });

  it("reset starts a new session but keeps an unsent draft", () => {
    const state = run([
      { type: "sent", requestId: 1, text: "質問" },
      { type: "succeeded", requestId: 1, reply },
      { type: "draftChanged", text: "書きかけ" },
      { type: "reset", sessionId: "n".repeat(36) },
    ]);
    expect(state).toMatchObject({ sessionId: "n".repeat(36), turn: 0, messages: [], error: null, draft: "書きかけ" });
  });
});
