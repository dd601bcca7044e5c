// @vitest-environment jsdom
import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Composer } from "./Composer";

interface HarnessProps {
  onSend: (text: string) => void;
  busy?: boolean;
  initial?: string;
  onStop?: () => void;
}

function Harness({ onSend, busy = false, initial = "", onStop }: HarnessProps) {
  const [value, setValue] = useState(initial);
  return <Composer value={value} onChange={setValue} onSend={onSend} busy={busy} onStop={onStop} />;
}

describe("Composer", () => {
  it("sends on Enter", async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    await userEvent.type(screen.getByRole("textbox", { name: "メッセージ" }), "Rustの勉強会{Enter}");
    expect(onSend).toHaveBeenCalledWith("Rustの勉強会");
  });

  it("adds a newline on Shift+Enter instead of sending", async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    const input = screen.getByRole("textbox", { name: "メッセージ" });
    await userEvent.type(input, "一行目{Shift>}{Enter}{/Shift}二行目");
    expect(onSend).not.toHaveBeenCalled();
    expect(input).toHaveValue("一行目\n二行目");
  });

  it("ignores Enter while an IME is composing", () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} initial="とうきょう" />);
    const input = screen.getByRole("textbox", { name: "メッセージ" });
    fireEvent.compositionStart(input);
    fireEvent.keyDown(input, { key: "Enter", isComposing: true });
    fireEvent.keyDown(input, { key: "Enter" });
    fireEvent.compositionEnd(input);
    // Safari: the confirming Enter arrives after compositionend, flagged only by keyCode 229.
    fireEvent.keyDown(input, { key: "Enter", keyCode: 229 });
    expect(onSend).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSend).toHaveBeenCalledTimes(1);
  });

  it("sends with the button and not when empty", async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} />);
    const button = screen.getByRole("button", { name: "送信" });
    expect(button).toBeDisabled();
    await userEvent.type(screen.getByRole("textbox"), "   {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.type(screen.getByRole("textbox"), "質問");
    await userEvent.click(button);
    expect(onSend).toHaveBeenCalledWith("   質問");
  });

  it("blocks sending while busy but keeps the text editable", async () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} busy initial="次の質問" />);
    const input = screen.getByRole("textbox");
    expect(screen.getByRole("button", { name: "送信" })).toBeDisabled();
    expect(input).toBeEnabled();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
  });

  it("offers 停止 instead of 送信 while an answer is on its way, and typing goes on", async () => {
    const onSend = vi.fn();
    const onStop = vi.fn();
    render(<Harness onSend={onSend} busy onStop={onStop} />);
    expect(screen.queryByRole("button", { name: "送信" })).toBeNull();
    expect(screen.getByText("回答中です。「停止」で中断できます")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox"), "次の質問{Enter}");
    expect(screen.getByRole("textbox")).toHaveValue("次の質問");
    expect(onSend).not.toHaveBeenCalled();
    expect(onStop).not.toHaveBeenCalled(); // Enter never stops an answer
    await userEvent.click(screen.getByRole("button", { name: "停止" }));
    expect(onStop).toHaveBeenCalledTimes(1);
  });

  it("refuses messages over 2000 characters and says why", () => {
    const onSend = vi.fn();
    render(<Harness onSend={onSend} initial={"あ".repeat(2001)} />);
    const input = screen.getByRole("textbox");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("2000文字以内で入力してください（現在2001文字）。")).toBeInTheDocument();
    fireEvent.keyDown(input, { key: "Enter" });
    expect(onSend).not.toHaveBeenCalled();
  });
});
