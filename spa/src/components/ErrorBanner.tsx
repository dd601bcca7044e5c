/** The last failure in Japanese, with 「再送信」 (held back while the server asked us to wait). */

import { useEffect, useState } from "react";
import type { ChatFailure } from "../hooks/chatReducer";
import { errorMessage } from "../messages";

interface ErrorBannerProps {
  failure: ChatFailure;
  onResend: () => void;
  onDismiss: () => void;
  busy: boolean;
}

/** Seconds left of a `Retry-After` wait, ticking down once a second. */
function useCountdown(seconds: number | null): number {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    setLeft(seconds ?? 0);
    if (seconds === null || seconds <= 0) {
      return undefined;
    }
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) {
        clearInterval(timer);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return left;
}

export function ErrorBanner({ failure, onResend, onDismiss, busy }: ErrorBannerProps) {
  const wait = useCountdown(failure.code === "throttled" ? failure.retryAfter : null);
  return (
    <div className="error-banner" role="alert">
      <p className="error-text">{errorMessage(failure.code, failure.retryAfter)}</p>
      <div className="error-actions">
        {failure.text !== "" && (
          <button type="button" className="resend-button" onClick={onResend} disabled={busy || wait > 0}>
            {wait > 0 ? `再送信（あと${wait}秒）` : "再送信"}
          </button>
        )}
        <button type="button" className="dismiss-button" onClick={onDismiss} aria-label="エラーを閉じる">
          閉じる
        </button>
      </div>
    </div>
  );
}
