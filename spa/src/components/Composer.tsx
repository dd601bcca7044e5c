/**
 * The message box: Enter sends, Shift+Enter adds a line, and Enter while an IME is composing is left alone.
 * While an answer is on its way, 「停止」 takes the place of 「送信」.
 */

import { useRef, type FormEvent, type KeyboardEvent, type Ref } from "react";
import { MAX_MESSAGE_CHARS } from "../config";

interface ComposerProps {
  value: string;
  onChange: (text: string) => void;
  onSend: (text: string) => void;
  /** True while sending must wait (an answer is pending, or a Retry-After runs); typing is never blocked. */
  busy: boolean;
  /** Given while an answer is on its way: 「停止」 replaces 「送信」 and calls it. */
  onStop?: (() => void) | undefined;
  ref?: Ref<HTMLTextAreaElement>;
}

/** Show the counter only when it starts to matter. */
const COUNTER_FROM = MAX_MESSAGE_CHARS - 200;

export function Composer({ value, onChange, onSend, busy, onStop, ref }: ComposerProps) {
  const composing = useRef(false);
  const length = value.trim().length;
  const tooLong = length > MAX_MESSAGE_CHARS;
  const canSend = !busy && length > 0 && !tooLong;

  const submit = (): void => {
    if (canSend) {
      onSend(value);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key !== "Enter" || event.shiftKey) {
      return;
    }
    // keyCode 229: Safari sends the IME's confirming Enter after compositionend with isComposing false.
    if (composing.current || event.nativeEvent.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submit();
  };

  return (
    <form className="composer" onSubmit={onSubmit} aria-label="メッセージの送信">
      <div className="composer-row">
        <textarea
          ref={ref}
          className="composer-input"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onCompositionStart={() => {
            composing.current = true;
          }}
          onCompositionEnd={() => {
            composing.current = false;
          }}
          rows={2}
          placeholder="例：来月東京で開催されるPythonの勉強会は？"
          aria-label="メッセージ"
          aria-describedby="composer-hint"
          aria-invalid={tooLong}
          enterKeyHint="send"
        />
        {/* Keyed: two different buttons in the same place, never one node that changes its meaning under the pointer. */}
        {onStop !== undefined ? (
          <button key="stop" type="button" className="send-button stop-button" onClick={onStop}>
            停止
          </button>
        ) : (
          <button key="send" type="submit" className="send-button" disabled={!canSend}>
            送信
          </button>
        )}
      </div>
      <p id="composer-hint" className={tooLong ? "composer-hint composer-hint-error" : "composer-hint"}>
        {tooLong
          ? `${MAX_MESSAGE_CHARS}文字以内で入力してください（現在${length}文字）。`
          : length >= COUNTER_FROM
            ? `あと${MAX_MESSAGE_CHARS - length}文字`
            : onStop !== undefined
              ? "回答中です。「停止」で中断できます"
              : "Enterで送信、Shift+Enterで改行"}
      </p>
    </form>
  );
}
