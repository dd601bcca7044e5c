// @vitest-environment jsdom
/** The hook with a scripted stream: what it sends, how answers grow, stop, recovery, and reloads. */

import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError, type StreamChatOptions } from "../api/client";
import type { ChatDone, ChatRequest } from "../api/types";
import { STORAGE_KEY } from "./chatStorage";
import { useChat, type StreamChat, type UseChatDeps } from "./useChat";

function ids(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `session-${String(n).padStart(28, "0")}`;
  };
}

const DONE: ChatDone = { sessionId: "ignored", events: [], source: null };

interface Call {
  request: ChatRequest;
  options: StreamChatOptions;
  text: (text: string) => void;
  finish: () => void;
  fail: (error: unknown) => void;
}

/** A stream the test drives by hand; it rejects with "aborted" when its signal fires, as the real client does. */
function manual(): { stream: ReturnType<typeof vi.fn<StreamChat>>; calls: Call[] } {
  const calls: Call[] = [];
  const stream = vi.fn<StreamChat>(
    (request, options) =>
      new Promise<ChatDone>((resolve, reject) => {
        options.signal?.addEventListener("abort", () => reject(new ApiError(0, "aborted", "x")));
        calls.push({ request, options, text: (text) => options.onText(text), finish: () => resolve(DONE), fail: reject });
      }),
  );
  return { stream, calls };
}

/** A stream that answers at once, in two pieces. */
const answer: StreamChat = async (request, options) => {
  options.onText("答え");
  options.onText(`${request.turn}`);
  return DONE;
};

function setup(deps: UseChatDeps) {
  const newSessionId = ids();
  return renderHook(() => useChat({ newSessionId, storage: null, ...deps }));
}

describe("useChat", () => {
  it("sends session id and turn, and counts turns across a conversation", async () => {
    const answering = vi.fn<StreamChat>(answer);
    const { result } = setup({ streamChat: answering });
    act(() => result.current.send("  TypeScriptのカンファレンスある？ "));
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    act(() => result.current.send("大阪だと？"));
    await waitFor(() => expect(result.current.state.turn).toBe(2));
    expect(answering.mock.calls.map(([request]) => request)).toEqual([
      { message: "TypeScriptのカンファレンスある？", session_id: "session-0000000000000000000000000001", turn: 0 },
      { message: "大阪だと？", session_id: "session-0000000000000000000000000001", turn: 1 },
    ]);
    expect(result.current.state.messages.map((message) => message.text)).toEqual([
      "TypeScriptのカンファレンスある？",
      "答え0",
      "大阪だと？",
      "答え1",
    ]);
  });

  it("shows the answer as it grows, and completes it at done", async () => {
    const { stream, calls } = manual();
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("質問"));
    expect(result.current.state.pending).toMatchObject({ question: "質問", answer: "" });
    act(() => calls[0]?.text("今日から"));
    expect(result.current.state.pending?.answer).toBe("今日から");
    act(() => calls[0]?.text("3件"));
    expect(result.current.state.pending?.answer).toBe("今日から3件");
    await act(async () => calls[0]?.finish());
    expect(result.current.state.pending).toBeNull();
    expect(result.current.state.messages.at(-1)).toMatchObject({ text: "今日から3件", status: "complete" });
  });

  it("stop aborts the request, keeps the partial answer as stopped, and the next question keeps the turn", async () => {
    const { stream, calls } = manual();
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("最初"));
    act(() => calls[0]?.text("途中まで"));
    act(() => result.current.stop());
    expect(calls[0]?.options.signal?.aborted).toBe(true);
    await act(async () => Promise.resolve());
    expect(result.current.state).toMatchObject({ pending: null, error: null, turn: 0 });
    expect(result.current.state.messages.at(-1)).toMatchObject({ role: "assistant", text: "途中まで", status: "stopped" });
    act(() => result.current.send("次の質問"));
    expect(calls[1]?.request).toEqual({ message: "次の質問", session_id: "session-0000000000000000000000000001", turn: 0 });
  });

  it("ignores empty, oversized and concurrent sends", async () => {
    const { stream, calls } = manual();
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("   "));
    act(() => result.current.send("あ".repeat(2001)));
    expect(stream).not.toHaveBeenCalled();
    act(() => {
      result.current.send("一つ目");
      result.current.send("二つ目");
    });
    expect(stream).toHaveBeenCalledTimes(1);
    act(() => calls[0]?.text("ok"));
    await act(async () => calls[0]?.finish());
    expect(result.current.state.pending).toBeNull();
  });

  it("an error after text keeps the partial answer, marked interrupted, and offers the question again", async () => {
    const { stream, calls } = manual();
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("質問"));
    act(() => calls[0]?.text("途中"));
    await act(async () => calls[0]?.fail(new ApiError(200, "agent_timeout", "時間切れ")));
    expect(result.current.state.error).toMatchObject({ code: "agent_timeout", text: "質問" });
    expect(result.current.state.messages.at(-1)).toMatchObject({ text: "途中", status: "interrupted" });
    expect(result.current.state.turn).toBe(0);
    act(() => result.current.resend());
    expect(calls[1]?.request).toMatchObject({ message: "質問", turn: 0 });
  });

  it("after 408 uses a new session id with turn 0 on resend", async () => {
    const stream = vi
      .fn<StreamChat>()
      .mockImplementationOnce(answer)
      .mockRejectedValueOnce(new ApiError(408, "session_expired", "x"))
      .mockImplementationOnce(answer);
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("最初"));
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    act(() => result.current.send("続き"));
    await waitFor(() => expect(result.current.state.error?.code).toBe("session_expired"));
    expect(result.current.state.draft).toBe("続き");
    act(() => result.current.resend());
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    expect(stream.mock.calls[2]?.[0]).toEqual({
      message: "続き",
      session_id: "session-0000000000000000000000000002",
      turn: 0,
    });
  });

  it("reset aborts the pending request and drops its answer", async () => {
    const { stream, calls } = manual();
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("質問"));
    act(() => calls[0]?.text("途中"));
    act(() => result.current.reset());
    expect(calls[0]?.options.signal?.aborted).toBe(true);
    await act(async () => Promise.resolve());
    expect(result.current.state).toMatchObject({ messages: [], pending: null, error: null, turn: 0 });
    expect(result.current.state.sessionId).toBe("session-0000000000000000000000000002");
  });

  it("turns an unexpected rejection into a network error instead of crashing", async () => {
    const stream = vi.fn<StreamChat>().mockRejectedValueOnce(new TypeError("boom"));
    const { result } = setup({ streamChat: stream });
    act(() => result.current.send("質問"));
    await waitFor(() => expect(result.current.state.error?.code).toBe("network_error"));
    expect(result.current.state.draft).toBe("質問");
  });

  describe("across reloads (sessionStorage)", () => {
    it("restores the conversation with its session and turn, and goes on in the same session", async () => {
      const answering = vi.fn<StreamChat>(answer);
      const first = setup({ streamChat: answering, storage: sessionStorage });
      act(() => first.result.current.send("最初"));
      await waitFor(() => expect(first.result.current.state.turn).toBe(1));
      first.unmount(); // the page goes away
      const second = setup({ streamChat: answering, storage: sessionStorage });
      expect(second.result.current.state).toMatchObject({ sessionId: "session-0000000000000000000000000001", turn: 1 });
      expect(second.result.current.state.messages.map((message) => message.text)).toEqual(["最初", "答え0"]);
      act(() => second.result.current.send("続き"));
      await waitFor(() => expect(second.result.current.state.turn).toBe(2));
      expect(answering.mock.calls.at(-1)?.[0]).toEqual({
        message: "続き",
        session_id: "session-0000000000000000000000000001",
        turn: 1,
      });
    });

    it("stores while an answer is written, so a reload brings back what arrived, as stopped", async () => {
      const { stream, calls } = manual();
      const { result } = setup({ streamChat: stream, storage: sessionStorage });
      act(() => result.current.send("質問"));
      act(() => calls[0]?.text("途中まで"));
      act(() => window.dispatchEvent(new Event("pagehide")));
      const restored = setup({ storage: sessionStorage }).result.current.state;
      expect(restored.turn).toBe(0);
      expect(restored.pending).toBeNull();
      expect(restored.messages.at(-1)).toMatchObject({ role: "assistant", text: "途中まで", status: "stopped" });
    });

    it("新しい会話 forgets the stored conversation", async () => {
      const { result } = setup({ streamChat: answer, storage: sessionStorage });
      act(() => result.current.send("質問"));
      await waitFor(() => expect(sessionStorage.getItem(STORAGE_KEY)).not.toBeNull());
      act(() => result.current.reset());
      expect(sessionStorage.getItem(STORAGE_KEY)).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(sessionStorage.getItem(STORAGE_KEY)).toBeNull();
    });
  });
});
