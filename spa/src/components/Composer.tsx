/** The message box: Enter sends, Shift+Enter adds a line, and Enter while an IME is composing is left alone. */

import { useRef, type FormEvent, type KeyboardEvent, type Ref } from "react";
import { MAX_MESSAGE_CHARS } from "../config";

interface ComposerProps {
  value: string;
  onChange: (text: string) => void;
  onSend: (text: string) => void;
  /** True while sending must wait (an answer is pending, or a Retry-After runs); typing is never blocked. */
  busy: boolean;
  ref?: Ref<HTMLTextAreaElement>;
}

/** Show the counter only when it starts to matter. */
const COUNTER_FROM = MAX_MESSAGE_CHARS - 200;

export function Composer({ value, onChange, onSend, busy, ref }: ComposerProps) {
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
        <button type="submit" className="send-button" disabled={!canSend} aria-label="送信">
          送信
        </button>
      </div>
      <p id="composer-hint" className={tooLong ? "composer-hint composer-hint-error" : "composer-hint"}>
        {tooLong
          ? `${MAX_MESSAGE_CHARS}文字以内で入力してください（現在${length}文字）。`
          : length >= COUNTER_FROM
            ? `あと${MAX_MESSAGE_CHARS - length}文字`
            : busy
              ? "回答を待っています…"
              : "Enterで送信、Shift+Enterで改行"}
      </p>
    </form>
  );
}
