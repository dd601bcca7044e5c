/** First screen: what Confee does and a few questions to start with. */

import suggestions from "../suggestions.json";

/** Questions to start with; tests/test_suggestions.py checks each has answers in the sample catalogue. */
export const SUGGESTED_PROMPTS: readonly string[] = suggestions;

interface WelcomeProps {
  onPick: (prompt: string) => void;
  disabled: boolean;
}

export function Welcome({ onPick, disabled }: WelcomeProps) {
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">技術イベントを一緒に探しましょう</h2>
      <p>
        {"connpass に掲載されている勉強会やカンファレンスから、興味や地域、日程に合うイベントを紹介します。"}
        {"気になることを日本語で聞いてみてください。"}
      </p>
      <h3 className="suggestions-title">質問の例</h3>
      <ul className="suggestions">
        {SUGGESTED_PROMPTS.map((prompt) => (
          <li key={prompt}>
            <button type="button" className="suggestion" onClick={() => onPick(prompt)} disabled={disabled}>
              {prompt}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
