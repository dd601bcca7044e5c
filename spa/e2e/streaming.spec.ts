/**
 * Streaming through the real local production path (proxy.local → agent server, offline model): the answer
 * grows on screen before it is finished, 停止 cancels it, and a reload keeps the conversation.
 */

import type { Page, Request } from "@playwright/test";
import { answers, ask, expect, input, screenshot, test, writing } from "./fixtures";

const STREAM = "**/api/chat/stream";

interface Sample {
  /** Milliseconds since the question was sent. */
  t: number;
  /** Characters of the answer being written (0 when none is on screen). */
  chars: number;
  stop: boolean;
  finished: number;
}

declare global {
  interface Window {
    __samples?: Sample[];
    __t0?: number;
  }
}

/** Record what the page shows at every DOM change from now on (in the page, so no sample is missed). */
async function recordAnswer(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__samples = [];
    window.__t0 = performance.now();
    const sample = (): void => {
      const markdown = document.querySelector(".message-streaming .markdown");
      window.__samples?.push({
        t: performance.now() - (window.__t0 ?? 0),
        chars: markdown?.textContent?.length ?? 0,
        stop: Array.from(document.querySelectorAll("button")).some((button) => button.textContent === "停止"),
        finished: document.querySelectorAll(".messages .message-assistant").length,
      });
    };
    new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function samples(page: Page): Promise<Sample[]> {
  return page.evaluate(() => window.__samples ?? []);
}

/**
 * Resolves on the first frame that shows words of the answer being written. The offline model writes a whole
 * answer in well under a second, so whatever the test does next must follow at once (a raw mouse click, a reload).
 */
async function firstWords(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (document.querySelector(".message-streaming .markdown")?.textContent ?? "").trim() !== "",
    undefined,
    { polling: "raf" },
  );
}

/** The closing line of every complete offline answer to a search: absent from an answer cut short. */
const CLOSING = "絞り込めます";

function body(request: Request): { message: string; session_id: string; turn: number } {
  return request.postDataJSON() as { message: string; session_id: string; turn: number };
}

test.beforeEach(async ({ page, problems }) => {
  void problems; // the fixture checks the page after every test
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Confee");
});

test("the answer appears progressively, with 停止 while it is written", async ({ page }, testInfo) => {
  await recordAnswer(page);
  await page.getByRole("button", { name: "TypeScriptのカンファレンスある？" }).click();
  await expect(answers(page)).toHaveCount(1);
  const finalChars = (await answers(page).first().locator(".markdown").textContent())?.length ?? 0;
  const seen = await samples(page);
  const streaming = seen.filter((sample) => sample.chars > 0 && sample.finished === 0);
  const first = streaming[0];
  const done = seen.find((sample) => sample.finished > 0);
  expect(first, "text was on screen before the answer was finished").toBeDefined();
  expect(done).toBeDefined();
  // The text grew in several steps, with 停止 offered all along, before the answer was complete.
  const lengths = new Set(streaming.map((sample) => sample.chars));
  expect(lengths.size).toBeGreaterThanOrEqual(5);
  expect(streaming.every((sample) => sample.stop)).toBe(true);
  expect(Math.min(...lengths)).toBeLessThan(finalChars / 2);
  expect(first?.t ?? Infinity).toBeLessThan(done?.t ?? 0);
  testInfo.annotations.push({
    type: "timing",
    description: `first text ${Math.round(first?.t ?? -1)} ms, complete ${Math.round(done?.t ?? -1)} ms, ${lengths.size} steps`,
  });
  await expect(page.getByRole("button", { name: "送信" })).toBeVisible();
});

test("停止 cancels the answer, keeps what arrived, and the next question works", async ({ page }) => {
  // 停止 takes 送信's place: click there as a user would, the moment the first words show.
  const box = await page.getByRole("button", { name: "送信" }).boundingBox();
  expect(box).not.toBeNull();
  const sent = page.waitForRequest(STREAM);
  const stopped = page.waitForEvent("requestfailed", (request) => request.url().endsWith("/api/chat/stream"));
  await ask(page, "TypeScriptのカンファレンスある？");
  await firstWords(page);
  await page.mouse.click((box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2);
  const first = body(await sent);
  expect((await stopped).failure()?.errorText).toContain("ABORTED"); // the connection is closed: the server cancels
  const partial = answers(page).first();
  await expect(partial).toContainText("（停止しました）");
  await expect(partial.locator(".markdown")).toHaveText(/\S/);
  await expect(partial).not.toContainText(CLOSING); // cut while the server was still writing
  await expect(writing(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "送信" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(input(page)).toBeFocused();
  await screenshot(page, "10-stopped");

  const next = page.waitForRequest(STREAM);
  await ask(page, "オンラインで参加できる勉強会は？");
  // A stopped answer is not a completed exchange: same session, same turn.
  expect(body(await next)).toMatchObject({ session_id: first.session_id, turn: 0 });
  await expect(answers(page)).toHaveCount(2);
  await expect(answers(page).nth(1)).not.toContainText("停止しました");
  await expect(answers(page).nth(1).locator(".event-card").first()).toBeVisible();

  const third = page.waitForRequest(STREAM);
  await ask(page, "大阪だと？");
  expect(body(await third)).toMatchObject({ session_id: first.session_id, turn: 1 });
  await expect(answers(page)).toHaveCount(3);
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("a reload keeps the conversation, and the follow-up continues the same session", async ({ page }) => {
  const sent = page.waitForRequest(STREAM);
  await ask(page, "TypeScriptのカンファレンスある？");
  const first = body(await sent);
  await expect(answers(page)).toHaveCount(1);
  const before = await answers(page).first().textContent();
  await page.reload();
  await expect(answers(page)).toHaveCount(1);
  expect(await answers(page).first().textContent()).toBe(before);
  await expect(page.locator(".message-user .message-text")).toHaveText(["TypeScriptのカンファレンスある？"]);
  await expect(page.getByRole("button", { name: "新しい会話" })).toBeEnabled();
  await screenshot(page, "11-after-reload");
  const next = page.waitForRequest(STREAM);
  await ask(page, "大阪だと？");
  expect(body(await next)).toEqual({ message: "大阪だと？", session_id: first.session_id, turn: 1 });
  await expect(answers(page)).toHaveCount(2);
  await expect(page.getByRole("alert")).toHaveCount(0); // the agent still had the context: no 408

  await page.getByRole("button", { name: "新しい会話" }).click();
  await page.reload();
  await expect(page.getByRole("button", { name: "面白そうなイベント教えて" })).toBeVisible();
  await expect(answers(page)).toHaveCount(0);
});

test("a reload while an answer is written brings it back as stopped", async ({ page }) => {
  await ask(page, "TypeScriptのカンファレンスある？");
  await firstWords(page);
  const partial = (await writing(page).locator(".markdown").textContent()) ?? "";
  await page.reload();
  const restored = answers(page).first();
  await expect(restored).toContainText("（停止しました）");
  // What had arrived (Markdown re-renders as it grows, so compare the plain first words).
  const head = partial.slice(0, 8);
  expect(((await restored.locator(".markdown").textContent()) ?? "").slice(0, head.length)).toBe(head);
  await expect(restored).not.toContainText(CLOSING);
  await expect(page.getByRole("button", { name: "送信" })).toBeVisible();
  await expect(writing(page)).toHaveCount(0);
});
