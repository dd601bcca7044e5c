/**
 * Shown while an answer is being prepared. Purely visual: screen readers hear the same words from the page's
 * persistent status region (App), because a live region inserted together with its text is often not announced.
 */

export const LOADING_TEXT = "イベントを探しています…";

export function LoadingIndicator() {
  return (
    <div className="loading" aria-hidden="true">
      <span className="loading-dots">
        <span />
        <span />
        <span />
      </span>
      <span>{LOADING_TEXT}</span>
    </div>
  );
}
