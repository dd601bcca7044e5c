// @vitest-environment jsdom
/** The whole page with a scripted Chat API: what a user sees and can do. */

import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./api/client";
import type { ApiErrorCode, ChatReply, ChatRequest } from "./api/types";
import { App } from "./App";
import type { PostChat } from "./hooks/useChat";
import { SUGGESTED_PROMPTS } from "./components/Welcome";

const ANSWER: ChatReply = {
  response: "## おすすめ\n\n- [TSConf 2026](https://sample-connpass.example/event/1/) は12月5日です",
  sessionId: "x",
  events: [
    {
      id: "1",
      title: "TSConf 2026",
      url: "https://sample-connpass.example/event/1/",
      date: "2026年12月5日(土) 13:00〜18:00",
      startedAt: null,
      place: "渋谷ホール",
      prefecture: "東京都",
      online: false,
      accepted: 10,
      limit: 50,
      waiting: 0,
      openStatus: "open",
      status: "open",
      statusLabel: "受付中",
      catchPhrase: null,
    },
  ],
};

function sessionIds(): () => string {
  let n = 0;
  return () => `session-${String((n += 1)).padStart(28, "0")}`;
}

function setup(post: PostChat) {
  const user = userEvent.setup();
  render(<App postChat={post} newSessionId={sessionIds()} />);
  return { user, input: screen.getByRole("textbox", { name: "メッセージ" }) };
}

function deferred(): { promise: Promise<ChatReply>; resolve: (reply: ChatReply) => void } {
  let resolve: (reply: ChatReply) => void = () => undefined;
  const promise = new Promise<ChatReply>((done) => (resolve = done));
  return { promise, resolve };
}

describe("App", () => {
  it("welcomes with the suggested prompts", () => {
    setup(vi.fn<PostChat>());
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Confee");
    for (const prompt of ["TypeScriptのカンファレンスある？", "面白そうなイベント教えて", "来月大阪でRustの勉強会は？", "オンラインで参加できる勉強会は？"]) {
      expect(screen.getByRole("button", { name: prompt })).toBeInTheDocument();
    }
    expect(SUGGESTED_PROMPTS).toHaveLength(4);
    expect(screen.getByRole("button", { name: "新しい会話" })).toBeDisabled();
  });

  it("sends a suggested prompt, shows loading, then the answer with links and cards", async () => {
    const pending = deferred();
    const post = vi.fn<PostChat>(() => pending.promise);
    const { user, input } = setup(post);
    await user.click(screen.getByRole("button", { name: "TypeScriptのカンファレンスある？" }));
    expect(post).toHaveBeenCalledWith(
      { message: "TypeScriptのカンファレンスある？", session_id: "session-0000000000000000000000000001", turn: 0 },
      expect.anything(),
    );
    expect(screen.getByRole("status")).toHaveTextContent("イベントを探しています");
    expect(screen.getByRole("button", { name: "送信" })).toBeDisabled();
    expect(input).toHaveFocus();
    await act(async () => pending.resolve(ANSWER));
    expect(screen.getByRole("status")).toBeEmptyDOMElement();
    const log = screen.getByRole("log");
    expect(log).toHaveAttribute("aria-live", "polite");
    expect(within(log).getByRole("heading", { name: "おすすめ" })).toBeInTheDocument();
    const links = within(log).getAllByRole("link", { name: "TSConf 2026" });
    expect(links).toHaveLength(2); // in the answer and on the card
    for (const link of links) {
      expect(link).toHaveAttribute("target", "_blank");
    }
    expect(within(log).getByText("10/50人")).toBeInTheDocument();
    expect(input).toHaveFocus();
  });

  it("announces loading through a status region that exists before the question is sent", async () => {
    // Screen readers only announce changes to a live region that is already in the page.
    const pending = deferred();
    const { user } = setup(vi.fn<PostChat>(() => pending.promise));
    const status = screen.getByRole("status");
    expect(status).toBeEmptyDOMElement();
    await user.click(screen.getByRole("button", { name: "面白そうなイベント教えて" }));
    expect(screen.getByRole("status")).toBe(status);
    expect(status).toHaveTextContent("イベントを探しています…");
    expect(screen.getAllByRole("status")).toHaveLength(1); // the visible indicator does not announce twice
    await act(async () => pending.resolve(ANSWER));
    expect(screen.getByRole("status")).toBe(status);
    expect(status).toBeEmptyDOMElement();
  });

  it("asks a follow-up in the same session with the next turn", async () => {
    const post = vi.fn<PostChat>(async (request: ChatRequest) => ({ ...ANSWER, response: `回答${request.turn}` }));
    const { user, input } = setup(post);
    await user.type(input, "TypeScriptのカンファレンスある？{Enter}");
    await screen.findByText("回答0");
    await user.type(input, "大阪だと？{Enter}");
    await screen.findByText("回答1");
    expect(post.mock.calls[1]?.[0]).toEqual({
      message: "大阪だと？",
      session_id: "session-0000000000000000000000000001",
      turn: 1,
    });
  });

  it("「新しい会話」 clears the conversation and starts a new session", async () => {
    const post = vi.fn<PostChat>(async () => ANSWER);
    const { user, input } = setup(post);
    await user.type(input, "質問{Enter}");
    await screen.findByRole("log");
    await user.click(screen.getByRole("button", { name: "新しい会話" }));
    expect(screen.queryByRole("log")).toBeNull();
    expect(screen.getByRole("button", { name: "面白そうなイベント教えて" })).toBeInTheDocument();
    expect(input).toHaveFocus();
    await user.click(screen.getByRole("button", { name: "面白そうなイベント教えて" }));
    expect(post.mock.calls[1]?.[0]).toMatchObject({ session_id: "session-0000000000000000000000000002", turn: 0 });
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
  ])("explains %s in Japanese and keeps the text for 再送信", async (code, status, message) => {
    const post = vi
      .fn<PostChat>()
      .mockRejectedValueOnce(new ApiError(status, code, "server text"))
      .mockResolvedValueOnce({ ...ANSWER, response: "届きました" });
    const { user, input } = setup(post);
    await user.type(input, "来月大阪でRustの勉強会は？{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(alert).not.toHaveTextContent("server text");
    expect(input).toHaveValue("来月大阪でRustの勉強会は？");
    expect(screen.getByText("未送信")).toBeInTheDocument();
    await user.click(within(alert).getByRole("button", { name: "再送信" }));
    await screen.findByText("届きました");
    expect(post.mock.calls[1]?.[0].message).toBe("来月大阪でRustの勉強会は？");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText("未送信")).toBeNull();
    expect(input).toHaveValue("");
  });

  it("after 408 starts a new session by itself and asks to resend", async () => {
    const post = vi
      .fn<PostChat>()
      .mockResolvedValueOnce(ANSWER)
      .mockRejectedValueOnce(new ApiError(408, "session_expired", "x"))
      .mockResolvedValueOnce({ ...ANSWER, response: "新しいセッションで回答" });
    const { user, input } = setup(post);
    await user.type(input, "最初の質問{Enter}");
    await screen.findByText("は12月5日です", { exact: false });
    await user.type(input, "大阪だと？{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("会話の有効期限が切れました。新しい会話を開始したので、もう一度送信してください。");
    expect(screen.getByText("会話の有効期限が切れたため、新しい会話を開始しました。")).toBeInTheDocument();
    expect(input).toHaveValue("大阪だと？");
    await user.keyboard("{Enter}");
    await screen.findByText("新しいセッションで回答");
    expect(post.mock.calls[2]?.[0]).toEqual({
      message: "大阪だと？",
      session_id: "session-0000000000000000000000000002",
      turn: 0,
    });
  });

  it("holds 再送信 back for the Retry-After wait", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const post = vi.fn<PostChat>().mockRejectedValueOnce(new ApiError(429, "throttled", "x", 3));
      const { user, input } = setup(post);
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
    const post = vi.fn<PostChat>().mockRejectedValueOnce(new ApiError(503, "agent_unavailable", "x"));
    const { user, input } = setup(post);
    await user.type(input, "質問{Enter}");
    await user.click(await screen.findByRole("button", { name: "エラーを閉じる" }));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(input).toHaveValue("質問");
  });

  it("renders a hostile answer inertly", async () => {
    const post = vi.fn<PostChat>(async () => ({
      ...ANSWER,
      response: '<script>alert(1)</script>\n\n[押して](javascript:alert(1)) <img src=x onerror="alert(1)">\n\n<a href="javascript:alert(2)">raw</a>',
      events: [],
    }));
    const { user, input } = setup(post);
    await user.type(input, "質問{Enter}");
    const log = await screen.findByRole("log");
    await within(log).findByText("押して");
    expect(document.querySelector("main script, main img, main iframe")).toBeNull();
    expect(within(log).queryAllByRole("link")).toHaveLength(0);
  });
});
