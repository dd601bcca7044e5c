// @vitest-environment jsdom
/** The hook with a scripted postChat: what it sends, and how it recovers. */

import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { ChatReply, ChatRequest } from "../api/types";
import { useChat, type PostChat } from "./useChat";

function ids(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `session-${String(n).padStart(28, "0")}`;
  };
}

function answer(text: string): ChatReply {
  return { response: text, sessionId: "ignored", events: [] };
}

describe("useChat", () => {
  it("sends session id and turn, and counts turns across a conversation", async () => {
    const post = vi.fn<PostChat>(async (request: ChatRequest) => answer(`答え${request.turn}`));
    const newSessionId = ids();
    const { result } = renderHook(() => useChat({ postChat: post, newSessionId }));
    act(() => result.current.send("  TypeScriptのカンファレンスある？ "));
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    act(() => result.current.send("大阪だと？"));
    await waitFor(() => expect(result.current.state.turn).toBe(2));
    expect(post.mock.calls.map(([request]) => request)).toEqual([
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

  it("ignores empty, oversized and concurrent sends", async () => {
    let finish: (reply: ChatReply) => void = () => undefined;
    const post = vi.fn<PostChat>(() => new Promise<ChatReply>((resolve) => (finish = resolve)));
    const newSessionId = ids();
    const { result } = renderHook(() => useChat({ postChat: post, newSessionId }));
    act(() => result.current.send("   "));
    act(() => result.current.send("あ".repeat(2001)));
    expect(post).not.toHaveBeenCalled();
    act(() => {
      result.current.send("一つ目");
      result.current.send("二つ目");
    });
    expect(post).toHaveBeenCalledTimes(1);
    await act(async () => finish(answer("ok")));
    expect(result.current.state.pending).toBeNull();
  });

  it("after 408 uses a new session id with turn 0 on resend", async () => {
    const post = vi
      .fn<PostChat>()
      .mockResolvedValueOnce(answer("一回目"))
      .mockRejectedValueOnce(new ApiError(408, "session_expired", "x"))
      .mockResolvedValueOnce(answer("二回目"));
    const newSessionId = ids();
    const { result } = renderHook(() => useChat({ postChat: post, newSessionId }));
    act(() => result.current.send("最初"));
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    act(() => result.current.send("続き"));
    await waitFor(() => expect(result.current.state.error?.code).toBe("session_expired"));
    expect(result.current.state.draft).toBe("続き");
    act(() => result.current.resend());
    await waitFor(() => expect(result.current.state.turn).toBe(1));
    expect(post.mock.calls[2]?.[0]).toEqual({
      message: "続き",
      session_id: "session-0000000000000000000000000002",
      turn: 0,
    });
  });

  it("reset aborts the pending request and drops its answer", async () => {
    let seenSignal: AbortSignal | undefined;
    const post = vi.fn<PostChat>(
      (_request, options) =>
        new Promise<ChatReply>((_resolve, reject) => {
          seenSignal = options?.signal;
          options?.signal?.addEventListener("abort", () => reject(new ApiError(0, "aborted", "x")));
        }),
    );
    const newSessionId = ids();
    const { result } = renderHook(() => useChat({ postChat: post, newSessionId }));
    act(() => result.current.send("質問"));
    act(() => result.current.reset());
    expect(seenSignal?.aborted).toBe(true);
    await act(async () => Promise.resolve());
    expect(result.current.state).toMatchObject({ messages: [], pending: null, error: null, turn: 0 });
    expect(result.current.state.sessionId).toBe("session-0000000000000000000000000002");
  });

  it("turns an unexpected rejection into a network error instead of crashing", async () => {
    const post = vi.fn<PostChat>().mockRejectedValueOnce(new TypeError("boom"));
    const newSessionId = ids();
    const { result } = renderHook(() => useChat({ postChat: post, newSessionId }));
    act(() => result.current.send("質問"));
    await waitFor(() => expect(result.current.state.error?.code).toBe("network_error"));
    expect(result.current.state.draft).toBe("質問");
  });
});
