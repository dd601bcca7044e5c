/**
 * Time to the first answer text and to the complete answer in the SPA, through the local production path
 * (`make local`'s stack: spa/dist + Chat API + agent server on the offline model, which "types" 12 characters
 * per 10 ms like a model streaming), in Chromium. Issue 11's target: first text p50 ≤ 300 ms.
 *
 * Each question is asked in a new conversation (「新しい会話」 between them). Times are taken in the page: from
 * the click on 送信 (the click event's time stamp) to the first DOM change that puts answer text on screen, and
 * to the one that moves the finished answer into the conversation (its cards drawn). One untimed question
 * first warms the server (sample catalogue, imports). Prints p50/p90/max; JSON in test-results/bench/stream.json.
 *
 *   npm run bench:stream               (or `make bench-spa` from the repository root)
 *   CONFEE_BENCH_ROUNDS=3 npm run bench:stream   ask every question 3 times
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";

const SUGGESTIONS = JSON.parse(readFileSync(new URL("../src/suggestions.json", import.meta.url), "utf8")) as string[];

/** The SPA's suggested prompts, then questions people ask (eval/golden.yaml's), a greeting among them. */
const QUESTIONS: string[] = [
  ...SUGGESTIONS,
  "Pythonの勉強会を教えて",
  "生成AIのイベントある？",
  "Kubernetesの勉強会に行きたい",
  "Go言語の勉強会はある？",
  "AWSのハンズオンに参加したい",
  "ReactのLT会ある？",
  "福岡のイベント",
  "東京でTypeScriptのミートアップある？",
  "名古屋の勉強会を教えて",
  "12月のTypeScriptのイベント",
  "今週末オンラインで参加できるイベントは？",
  "東京以外でReactのイベント",
  "土日に東京で開催されるイベント",
  "平日夜のオンライン勉強会",
  "初心者向けのオンラインイベント",
  "梅田で開催される勉強会",
  "人気のイベントは？",
  "Rustのイベントある？",
  "関西で開催されるイベント",
  "こんにちは",
];

const ROUNDS = Number(process.env.CONFEE_BENCH_ROUNDS ?? 1);
const OUT_DIR = new URL("../test-results/bench/", import.meta.url);

interface Timing {
  question: string;
  /** Milliseconds from the click on 送信 to the first answer text in the DOM. */
  firstText: number;
  /** Milliseconds from the click to the finished answer in the conversation. */
  complete: number;
  chars: number;
  cards: number;
}

declare global {
  interface Window {
    __bench?: { clickAt: number | null; firstTextAt: number | null; completeAt: number | null };
  }
}

/** Watch the page from now on: the click on 送信, the first answer text, the finished answer. */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const bench: NonNullable<Window["__bench"]> = { clickAt: null, firstTextAt: null, completeAt: null };
    window.__bench = bench;
    document.addEventListener(
      "click",
      (event) => {
        const target = event.target instanceof Element ? event.target.closest("button") : null;
        if (target?.textContent === "送信" && bench.clickAt === null) {
          bench.clickAt = event.timeStamp; // when the click happened, before any handler ran
        }
      },
      { capture: true },
    );
    const answerText = (): string =>
      document.querySelector(".message-streaming .markdown, .messages .message-assistant .markdown")?.textContent ?? "";
    const observer = new MutationObserver(() => {
      const now = performance.now();
      if (bench.firstTextAt === null && answerText().trim() !== "") {
        bench.firstTextAt = now;
      }
      if (bench.completeAt === null && document.querySelector(".messages .message-assistant") !== null) {
        bench.completeAt = now;
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function ask(page: Page, question: string): Promise<Timing> {
  const reset = page.getByRole("button", { name: "新しい会話" });
  if (await reset.isEnabled()) {
    await reset.click(); // as a user would: forgets the stored conversation and starts a new session
  }
  await expect(page.locator(".messages .message")).toHaveCount(0);
  const input = page.getByRole("textbox", { name: "メッセージ" });
  await input.fill(question);
  await watch(page);
  await page.getByRole("button", { name: "送信" }).click();
  const answer = page.locator(".messages .message-assistant");
  await expect(answer).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByRole("alert")).toHaveCount(0);
  const seen = await page.evaluate(() => window.__bench);
  if (seen?.clickAt == null || seen.firstTextAt === null || seen.completeAt === null) {
    throw new Error(`incomplete timing for ${question}: ${JSON.stringify(seen)}`);
  }
  return {
    question,
    firstText: seen.firstTextAt - seen.clickAt,
    complete: seen.completeAt - seen.clickAt,
    chars: ((await answer.locator(".markdown").textContent()) ?? "").length,
    cards: await answer.locator(".event-card-facts").count(),
  };
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function percentiles(values: number[]): { p50: number; p90: number; max: number } {
  return { p50: percentile(values, 50), p90: percentile(values, 90), max: Math.max(...values) };
}

function summary(values: number[]): string {
  const ms = (value: number): string => `${Math.round(value)} ms`;
  return `p50 ${ms(percentile(values, 50))}, p90 ${ms(percentile(values, 90))}, max ${ms(Math.max(...values))}`;
}

test("time to first text and to the complete answer", async ({ page }) => {
  expect(new Set(QUESTIONS).size).toBeGreaterThanOrEqual(20);
  await page.goto("/");
  await ask(page, "TypeScriptのカンファレンスある？"); // warm-up, not counted
  const timings: Timing[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const question of QUESTIONS) {
      timings.push(await ask(page, question));
    }
  }
  const column = (value: number, width: number): string => String(Math.round(value)).padStart(width);
  const lines = timings.map(
    (t) =>
      `${column(t.firstText, 8)} ${column(t.complete, 11)} ${column(t.chars, 6)} ${column(t.cards, 6)}  ` + t.question,
  );
  const firstText = summary(timings.map((t) => t.firstText));
  const complete = summary(timings.map((t) => t.complete));
  console.log(
    [
      "",
      "first ms  complete ms  chars  cards  question",
      ...lines,
      "",
      `SPA streaming, ${timings.length} answers (${QUESTIONS.length} questions × ${ROUNDS}), Chromium, offline model:`,
      `  time to first text:      ${firstText}  (target p50 ≤ 300 ms)`,
      `  time to complete answer: ${complete}`,
      "",
    ].join("\n"),
  );
  const report = {
    firstText: percentiles(timings.map((t) => t.firstText)),
    complete: percentiles(timings.map((t) => t.complete)),
    timings,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(new URL("stream.json", OUT_DIR), `${JSON.stringify(report, null, 1)}\n`);
});
