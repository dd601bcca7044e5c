/** The page: header with 「新しい会話」, the welcome or the conversation, the error banner and the composer. */

import { useCallback, useEffect, useRef } from "react";
import { Composer } from "./components/Composer";
import { ErrorBanner } from "./components/ErrorBanner";
import { LOADING_TEXT, WRITING_TEXT } from "./components/LoadingIndicator";
import { MessageList } from "./components/MessageList";
import { Welcome } from "./components/Welcome";
import { useChat, type UseChatDeps } from "./hooks/useChat";
import { useCountdown } from "./hooks/useCountdown";

export function App(props: UseChatDeps = {}) {
  const { state, send, resend, stop, setDraft, reset, dismissError } = useChat(props);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const focusInput = useCallback(() => inputRef.current?.focus(), []);
  const pending = state.pending !== null;
  // After a 429 nothing is sent until the server's Retry-After has passed (閉じる lifts the hold explicitly).
  const throttled = state.error?.code === "throttled" ? state.error.retryAfter : null;
  const wait = useCountdown(throttled, state.error?.id);
  const held = pending || wait > 0;
  const answers = state.messages.filter((message) => message.role === "assistant").length;

  // Focus stays on the input through a whole exchange (a clicked suggestion disappears; an answer or an error
  // arrives), so keyboard users can go on typing.
  useEffect(() => {
    focusInput();
  }, [pending, answers, state.error, focusInput]);

  const startOver = (): void => {
    reset();
    focusInput();
  };

  const empty = state.messages.length === 0 && !pending;
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">
          Confee <span className="app-subtitle">技術イベント検索</span>
        </h1>
        <button
          type="button"
          className="new-chat-button"
          onClick={startOver}
          disabled={empty && state.error === null}
        >
          新しい会話
        </button>
      </header>
      <main className="app-main">
        {empty ? (
          <Welcome onPick={send} disabled={held} />
        ) : (
          <MessageList messages={state.messages} pending={state.pending} />
        )}
        {/* Always in the page, so screen readers notice when its text changes (they ignore regions born with text). */}
        <p role="status" className="visually-hidden">
          {state.pending === null ? "" : state.pending.answer === "" ? LOADING_TEXT : WRITING_TEXT}
        </p>
      </main>
      <footer className="app-footer">
        {state.error !== null && (
          <ErrorBanner
            key={state.error.id}
            failure={state.error}
            onResend={resend}
            onDismiss={dismissError}
            busy={pending}
            wait={wait}
          />
        )}
        <Composer
          ref={inputRef}
          value={state.draft}
          onChange={setDraft}
          onSend={send}
          busy={held}
          onStop={pending ? stop : undefined}
        />
      </footer>
    </div>
  );
}
