/** Shown while an answer is being prepared; role="status" announces it once to screen readers. */

export function LoadingIndicator() {
  return (
    <div className="loading" role="status">
      <span className="loading-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span>イベントを探しています…</span>
    </div>
  );
}
