/** The last failure in Japanese, with 「再送信」 (held back while the server asked us to wait). */

import type { ChatFailure } from "../hooks/chatReducer";
import { errorMessage } from "../messages";

interface ErrorBannerProps {
  failure: ChatFailure;
  onResend: () => void;
  onDismiss: () => void;
  busy: boolean;
  /** Seconds the server asked us to wait before sending again (0: none). */
  wait: number;
}

export function ErrorBanner({ failure, onResend, onDismiss, busy, wait }: ErrorBannerProps) {
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
