/**
 * Shown until the first words of an answer arrive. Purely visual: screen readers hear the same words from the
 * page's persistent status region (App), because a live region inserted together with its text is often not
 * announced.
 */

export const LOADING_TEXT = "イベントを探しています…";
/** The status region's words once the answer is being written. */
export const WRITING_TEXT = "回答を作成しています…";

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
