// @vitest-environment jsdom
/** The whole page with a scripted answer stream: what a user sees and can do. */

import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError, type StreamChatOptions } from "./api/client";
import type { ApiErrorCode, ChatDone, ChatRequest } from "./api/types";
import { App } from "./App";
import { SUGGESTED_PROMPTS } from "./components/Welcome";
import type { StreamChat, UseChatDeps } from "./hooks/useChat";
import { shownEvent } from "./test/events";

const ANSWER = [
  "今日から「TypeScript」のカンファレンスを 1 件見つけました。",
  "",
  "### [TSConf 2026](https://sample-connpass.example/event/1/)",
  "- 📅 2026年12月5日(土) 13:00〜18:00",
  "- 📍 渋谷ホール（東京都）",
  "- 👥 10/50人・受付中",
  "",
  "場所や時期を指定して絞り込めます。",
].join("\n");

const DONE: ChatDone = { sessionId: "x", events: [shownEvent()], source: "sample" };

function sessionIds(): () => string {
  let n = 0;
  return () => `session-${String((n += 1)).padStart(28, "0")}`;
}

/** A stream that writes `text` in two pieces and finishes. */
function answers(text: string | ((request: ChatRequest) => string) = ANSWER): StreamChat {
  return async (request, options) => {
    const full = typeof text === "string" ? text : text(request);
    const half = Math.ceil(full.length / 2);
    options.onText(full.slice(0, half));
    options.onText(full.slice(half));
    return DONE;
  };
}

interface Call {
  request: ChatRequest;
  options: StreamChatOptions;
  /** Deliver a piece of the answer (inside act, as the network would). */
  text: (text: string) => Promise<void>;
  finish: () => Promise<void>;
  fail: (error: ApiError) => Promise<void>;
}

/** A stream driven by the test; it rejects with "aborted" when its signal fires, as the real client does. */
function manual(): { stream: StreamChat; calls: Call[] } {
  const calls: Call[] = [];
  const stream: StreamChat = (request, options) =>
    new Promise<ChatDone>((resolve, reject) => {
      options.signal?.addEventListener("abort", () => reject(new ApiError(0, "aborted", "x")));
      calls.push({
        request,
        options,
        text: async (text) => act(async () => options.onText(text)),
        finish: async () => act(async () => resolve(DONE)),
        fail: async (error) => act(async () => reject(error)),
      });
    });
  return { stream, calls };
}

function setup(stream: StreamChat, deps: UseChatDeps = {}) {
  const user = userEvent.setup();
  const view = render(<App streamChat={stream} newSessionId={sessionIds()} storage={null} {...deps} />);
  return { user, view, input: screen.getByRole("textbox", { name: "メッセージ" }) };
}

function log(): HTMLElement {
  return screen.getByRole("log");
}

describe("App", () => {
  it("welcomes with the suggested prompts", () => {
    setup(vi.fn<StreamChat>());
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Confee");
    for (const prompt of ["TypeScriptのカンファレンスある？", "面白そうなイベント教えて", "来月大阪でRustの勉強会は？", "オンラインで参加できる勉強会は？"]) {
      expect(screen.getByRole("button", { name: prompt })).toBeInTheDocument();
    }
    expect(SUGGESTED_PROMPTS).toHaveLength(4);
    expect(screen.getByRole("button", { name: "新しい会話" })).toBeDisabled();
  });

  it("shows the answer as it is written, with 停止 while it runs, then the finished answer", async () => {
    const { stream, calls } = manual();
    const { user, input } = setup(stream);
    await user.click(screen.getByRole("button", { name: "TypeScriptのカンファレンスある？" }));
    expect(calls[0]?.request).toEqual({
      message: "TypeScriptのカンファレンスある？",
      session_id: "session-0000000000000000000000000001",
      turn: 0,
    });
    const status = screen.getByRole("status");
    expect(status).toHaveTextContent("イベントを探しています…");
    expect(screen.getByRole("button", { name: "停止" })).toBeEnabled();
    expect(screen.queryByRole("button", { name: "送信" })).toBeNull();
    expect(input).toHaveFocus();

    await calls[0]?.text("今日から「TypeScript」の");
    expect(screen.getByText("今日から「TypeScript」の")).toBeVisible();
    expect(status).toHaveTextContent("回答を作成しています…");
    expect(screen.queryByText("イベントを探しています…")).toBeNull();
    await calls[0]?.text(ANSWER.slice("今日から「TypeScript」の".length));
    expect(screen.getByRole("link", { name: "TSConf 2026" })).toBeVisible();
    expect(screen.getByRole("button", { name: "停止" })).toBeInTheDocument();
    // The growing answer is not in the live log, so it is not re-announced on every piece.
    expect(within(log()).queryByText(/TypeScript/)).not.toBeNull(); // the question is
    expect(within(log()).queryByRole("link")).toBeNull();

    await calls[0]?.finish();
    expect(status).toBeEmptyDOMElement();
    expect(screen.getAllByRole("status")).toHaveLength(1);
    expect(log()).toHaveAttribute("aria-live", "polite");
    const links = within(log()).getAllByRole("link", { name: "TSConf 2026" });
    expect(links).toHaveLength(1); // each event once
    expect(links[0]).toHaveAttribute("target", "_blank");
    // Finished: the card shows the tool's facts (and the community), with a link to the event page.
    const cards = within(log()).getByRole("list", { name: "紹介したイベント（1件）" });
    expect(within(cards).getByText("受付中")).toBeInTheDocument();
    expect(within(cards).getByText("TypeScript Tokyo", { exact: false })).toBeInTheDocument();
    expect(within(cards).getByRole("link", { name: "TSConf 2026をconnpassで見る" })).toHaveAttribute(
      "href",
      "https://sample-connpass.example/event/1/",
    );
    expect(within(log()).getByText("サンプルデータ")).toBeVisible();
    expect(screen.getByRole("button", { name: "送信" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "停止" })).toBeNull();
    expect(input).toHaveFocus();
  });

  it("停止 keeps what arrived, marked as stopped, and the next question is sent as the same turn", async () => {
    const { stream, calls } = manual();
    const { user, input } = setup(stream);
    await user.type(input, "TypeScriptのカンファレンスある？{Enter}");
    await calls[0]?.text("今日から「TypeScript」の");
    await user.click(screen.getByRole("button", { name: "停止" }));
    expect(calls[0]?.options.signal?.aborted).toBe(true);
    expect(within(log()).getByText("今日から「TypeScript」の")).toBeVisible();
    expect(within(log()).getByText("（停止しました）")).toBeVisible();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
    expect(input).toHaveFocus();
    await user.type(input, "大阪だと？{Enter}");
    expect(calls[1]?.request).toEqual({
      message: "大阪だと？",
      session_id: "session-0000000000000000000000000001",
      turn: 0,
    });
  });

  it("asks a follow-up in the same session with the next turn", async () => {
    const stream = vi.fn<StreamChat>(answers((request) => `回答${request.turn}`));
    const { user, input } = setup(stream);
    await user.type(input, "TypeScriptのカンファレンスある？{Enter}");
    await within(log()).findByText("回答0");
    await user.type(input, "大阪だと？{Enter}");
    await within(log()).findByText("回答1");
    expect(stream.mock.calls[1]?.[0]).toEqual({
      message: "大阪だと？",
      session_id: "session-0000000000000000000000000001",
      turn: 1,
    });
  });

  it("「新しい会話」 clears the conversation and starts a new session", async () => {
    const stream = vi.fn<StreamChat>(answers());
    const { user, input } = setup(stream);
    await user.type(input, "質問{Enter}");
    await within(log()).findByText("場所や時期を指定して絞り込めます。");
    await user.click(screen.getByRole("button", { name: "新しい会話" }));
    expect(screen.queryByRole("log")).toBeNull();
    expect(screen.getByRole("button", { name: "面白そうなイベント教えて" })).toBeInTheDocument();
    expect(input).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "面白そうなイベント教えて" }));
    expect(stream.mock.calls[1]?.[0]).toMatchObject({ session_id: "session-0000000000000000000000000002", turn: 0 });
  });

  it.each<[ApiErrorCode, number, string]>([
    ["invalid_request", 400, "メッセージを送信できませんでした。"],
    ["throttled", 429, "ただいまアクセスが集中しています。"],
    ["agent_unavailable", 503, "サービスが一時的に利用できません。"],
    ["agent_timeout", 504, "回答の作成に時間がかかりすぎたため中断しました。"],
    ["timeout", 0, "サーバーから応答がありませんでした。"],
    ["network_error", 0, "ネットワークに接続できませんでした。"],
    ["bad_response", 200, "予期しないエラーが発生しました。"],
    ["http_error", 500, "予期しないエラーが発生しました。"],
  ])("before any text, explains %s in Japanese and keeps the text for 再送信", async (code, status, message) => {
    const stream = vi
      .fn<StreamChat>()
      .mockRejectedValueOnce(new ApiError(status, code, "server text"))
      .mockImplementationOnce(answers("届きました"));
    const { user, input } = setup(stream);
    await user.type(input, "来月大阪でRustの勉強会は？{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(alert).not.toHaveTextContent("server text");
    expect(input).toHaveValue("来月大阪でRustの勉強会は？");
    expect(screen.getByText("未送信")).toBeInTheDocument();
    await user.click(within(alert).getByRole("button", { name: "再送信" }));
    await within(log()).findByText("届きました");
    expect(stream.mock.calls[1]?.[0].message).toBe("来月大阪でRustの勉強会は？");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText("未送信")).toBeNull();
    expect(input).toHaveValue("");
  });

  it("an error event after text keeps the partial answer, marked, and 再送信 asks again", async () => {
    const { stream, calls } = manual();
    const { user, input } = setup(stream);
    await user.type(input, "来月大阪でRustの勉強会は？{Enter}");
    await calls[0]?.text("来月の大阪では");
    await calls[0]?.fail(new ApiError(200, "agent_timeout", "時間内に回答できませんでした。"));
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("回答の作成に時間がかかりすぎたため中断しました。");
    expect(within(log()).getByText("来月の大阪では")).toBeVisible();
    expect(within(log()).getByText("（エラーのため中断しました）")).toBeVisible();
    expect(screen.queryByText("未送信")).toBeNull(); // it was sent; the answer was cut
    expect(screen.getByRole("button", { name: "送信" })).toBeInTheDocument();
    await user.click(within(alert).getByRole("button", { name: "再送信" }));
    expect(calls[1]?.request).toMatchObject({ message: "来月大阪でRustの勉強会は？", turn: 0 });
    await calls[1]?.text("来月の大阪では2件です。");
    await calls[1]?.finish();
    expect(within(log()).getByText("来月の大阪では2件です。")).toBeVisible();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("a connection cut mid-answer says so", async () => {
    const { stream, calls } = manual();
    const { user, input } = setup(stream);
    await user.type(input, "質問{Enter}");
    await calls[0]?.text("途中");
    await calls[0]?.fail(new ApiError(200, "stream_interrupted", "x"));
    expect(screen.getByRole("alert")).toHaveTextContent("回答の途中で接続が切れました。");
  });

  it("after 408 starts a new session by itself and asks to resend", async () => {
    const stream = vi
      .fn<StreamChat>()
      .mockImplementationOnce(answers())
      .mockRejectedValueOnce(new ApiError(408, "session_expired", "x"))
      .mockImplementationOnce(answers("新しいセッションで回答"));
    const { user, input } = setup(stream);
    await user.type(input, "最初の質問{Enter}");
    await within(log()).findByText("場所や時期を指定して絞り込めます。");
    await user.type(input, "大阪だと？{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("会話の有効期限が切れました。新しい会話を開始したので、もう一度送信してください。");
    expect(screen.getByText("会話の有効期限が切れたため、新しい会話を開始しました。")).toBeInTheDocument();
    expect(input).toHaveValue("大阪だと？");
    await user.keyboard("{Enter}");
    await within(log()).findByText("新しいセッションで回答");
    expect(stream.mock.calls[2]?.[0]).toEqual({
      message: "大阪だと？",
      session_id: "session-0000000000000000000000000002",
      turn: 0,
    });
  });

  it("holds 再送信 back for the Retry-After wait", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const stream = vi.fn<StreamChat>().mockRejectedValueOnce(new ApiError(429, "throttled", "x", 3));
      const { user, input } = setup(stream);
      await user.type(input, "質問{Enter}");
      const alert = await screen.findByRole("alert");
      expect(alert).toHaveTextContent("3秒ほど待ってから再送信してください。");
      expect(within(alert).getByRole("button", { name: "再送信（あと3秒）" })).toBeDisabled();
      expect(screen.getByRole("button", { name: "送信" })).toBeDisabled(); // a new question waits too
      await act(async () => vi.advanceTimersByTimeAsync(3100));
      await waitFor(() => expect(within(alert).getByRole("button", { name: "再送信" })).toBeEnabled());
      expect(screen.getByRole("button", { name: "送信" })).toBeEnabled();
    } finally {
      vi.useRealTimers();
    }
  });

  it("閉じる dismisses the error but keeps the text in the input", async () => {
    const stream = vi.fn<StreamChat>().mockRejectedValueOnce(new ApiError(503, "agent_unavailable", "x"));
    const { user, input } = setup(stream);
    await user.type(input, "質問{Enter}");
    await user.click(await screen.findByRole("button", { name: "エラーを閉じる" }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(input).toHaveValue("質問");
  });

  it("renders a hostile answer inertly, while it streams and when it is done", async () => {
    const hostile =
      '<script>alert(1)</script>\n\n[押して](javascript:alert(1)) <img src=x onerror="alert(1)">\n\n<a href="javascript:alert(2)">raw</a>';
    const { stream, calls } = manual();
    const { user, input } = setup(stream);
    await user.type(input, "質問{Enter}");
    for (let end = 7; end < hostile.length; end += 7) {
      await calls[0]?.text(hostile.slice(end - 7, end));
      expect(document.querySelector("main script, main img, main iframe, main a")).toBeNull();
    }
    await calls[0]?.text(hostile.slice(hostile.length - (hostile.length % 7 || 7)));
    await calls[0]?.finish();
    await within(log()).findByText("押して");
    expect(document.querySelector("main script, main img, main iframe")).toBeNull();
    expect(within(log()).queryAllByRole("link")).toHaveLength(0);
  });

  describe("reload", () => {
    it("keeps the conversation, and the next question continues its session and turn", async () => {
      const stream = vi.fn<StreamChat>(answers());
      const first = setup(stream, { storage: sessionStorage });
      await first.user.type(first.input, "TypeScriptのカンファレンスある？{Enter}");
      await within(log()).findByText("場所や時期を指定して絞り込めます。");
      first.view.unmount(); // the page goes away

      const { user, input } = setup(stream, { storage: sessionStorage });
      expect(within(log()).getByText("TypeScriptのカンファレンスある？")).toBeVisible();
      expect(within(log()).getByRole("link", { name: "TSConf 2026" })).toBeVisible();
      expect(within(log()).getByRole("link", { name: "TSConf 2026をconnpassで見る" })).toBeVisible(); // the card too
      expect(within(log()).getByText("サンプルデータ")).toBeVisible();
      expect(screen.getByRole("button", { name: "新しい会話" })).toBeEnabled();
      await user.type(input, "大阪だと？{Enter}");
      expect(stream.mock.calls[1]?.[0]).toEqual({
        message: "大阪だと？",
        session_id: "session-0000000000000000000000000001",
        turn: 1,
      });
    });

    it("brings back an answer cut by the reload as stopped", async () => {
      const { stream, calls } = manual();
      const first = setup(stream, { storage: sessionStorage });
      await first.user.type(first.input, "質問{Enter}");
      await calls[0]?.text("途中まで書いた回答");
      first.view.unmount();
      expect(calls[0]?.options.signal?.aborted).toBe(true);

      setup(stream, { storage: sessionStorage });
      expect(within(log()).getByText("途中まで書いた回答")).toBeVisible();
      expect(within(log()).getByText("（停止しました）")).toBeVisible();
      expect(screen.getByRole("button", { name: "送信" })).toBeInTheDocument();
    });

    it("「新しい会話」 also clears what a reload would bring back", async () => {
      const first = setup(answers(), { storage: sessionStorage });
      await first.user.type(first.input, "質問{Enter}");
      await within(log()).findByText("場所や時期を指定して絞り込めます。");
      await first.user.click(screen.getByRole("button", { name: "新しい会話" }));
      first.view.unmount();
      setup(answers(), { storage: sessionStorage });
      expect(screen.queryByRole("log")).toBeNull();
      expect(screen.getByRole("button", { name: "面白そうなイベント教えて" })).toBeInTheDocument();
    });
  });
});
