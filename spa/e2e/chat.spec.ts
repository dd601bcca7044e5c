/**
 * The SPA against the real local server (proxy.local + in-process agent on the offline model + sample
 * catalogue). Failures the real server cannot produce on demand (503, 408, an error event mid-answer, hostile
 * Markdown) are injected with page.route on /api/chat/stream.
 */

import type { Locator, Request, Route } from "@playwright/test";
import { answers, ask, expect, nextDoneEvents, input, screenshot, test, type WireEvent } from "./fixtures";

const STREAM = "**/api/chat/stream";

const SAMPLE_LINK = 'a[href*="sample-connpass.example/"]';

interface SentChat {
  message: string;
  session_id: string;
  turn: number;
}

function chatBody(request: Request): SentChat {
  return request.postDataJSON() as SentChat;
}

/** An SSE body as the Chat API writes it. */
function sse(...events: unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
}

test.beforeEach(async ({ page, problems }) => {
  void problems; // the fixture checks the page after every test
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Confee");
});

/** Each event of `done.events` once, as a card with the tool's facts, its community and 「connpassで見る」. */
async function expectEventCards(answer: Locator, events: WireEvent[]): Promise<void> {
  expect(events.length).toBeGreaterThan(0);
  const cards = answer.locator(".event-card");
  await expect(cards).toHaveCount(events.length); // the events once: no second list of them anywhere
  await expect(answer.locator(".event-card-facts")).toHaveCount(events.length);
  for (const [index, event] of events.entries()) {
    const card = cards.nth(index);
    await expect(card.getByRole("heading", { name: event.title, exact: true })).toBeVisible();
    await expect(card).toContainText(event.date);
    const more = card.getByRole("link", { name: "connpassで見る" });
    await expect(more).toBeVisible();
    await expect(more).toHaveAttribute("href", event.url);
    await expect(card.locator(".event-group")).toHaveCount(event.group === undefined ? 0 : 1);
    if (event.group !== undefined) {
      await expect(card.locator(".event-group")).toHaveText(`主催 ${event.group}`);
      // Once: not also in the facts or the reason (the title may contain it, as community events' titles do).
      const text = await card.evaluate((node) =>
        Array.from(node.children, (child) => (/^H[3-6]$/.test(child.tagName) ? "" : child.textContent)).join("\n"),
      );
      expect(text.split(event.group).length - 1, `${event.group} once in its card`).toBe(1);
    }
    // Every link of the card is to its event, and no link to it is anywhere else in the answer.
    const hrefs = await card.locator("a").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("href")));
    expect(new Set(hrefs)).toEqual(new Set([event.url]));
    await expect(answer.locator(`a[href="${event.url}"]`)).toHaveCount(hrefs.length);
  }
}

test("suggested prompt → one summary line and a card per event, links open in a new tab", async ({ page }) => {
  await expect(page.getByRole("button", { name: "オンラインで参加できる勉強会は？" })).toBeVisible();
  await screenshot(page, "01-welcome");
  const sent = page.waitForRequest(STREAM);
  const shown = await nextDoneEvents(page);
  await page.getByRole("button", { name: "TypeScriptのカンファレンスある？" }).click();
  const body = chatBody(await sent);
  expect(body).toMatchObject({ message: "TypeScriptのカンファレンスある？", turn: 0 });
  expect(body.session_id).toMatch(/^[0-9a-f-]{36}$/);

  const answer = answers(page).first();
  await expect(answer).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("");
  expect(await answer.locator(SAMPLE_LINK).count()).toBeGreaterThan(0);
  for (const link of await answer.locator("a").all()) {
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", "noopener noreferrer");
  }
  const events = await shown();
  await expectEventCards(answer, events);
  await expect(answer.locator(".markdown > p").first()).toContainText(`${events.length} 件見つけました`);
  await expect(answer.getByText("サンプルデータ", { exact: true })).toBeVisible();
  await expect(input(page)).toBeFocused();
  await screenshot(page, "02-answer");

  // A reload brings the cards back from storage, facts and all.
  await page.reload();
  await expectEventCards(answers(page).first(), events);
});

test("a follow-up in the same conversation gets a second answer", async ({ page }) => {
  await ask(page, "TypeScriptのカンファレンスある？");
  await expect(answers(page)).toHaveCount(1);
  const sent = page.waitForRequest(STREAM);
  await ask(page, "大阪だと？");
  await expect(page.locator(".message-user")).toHaveCount(2);
  const body = chatBody(await sent);
  expect(body).toMatchObject({ message: "大阪だと？", turn: 1 });
  await expect(answers(page)).toHaveCount(2);
  await expect(page.getByRole("alert")).toHaveCount(0);
  await screenshot(page, "03-follow-up");
});

test("Shift+Enter adds a line and Enter sends", async ({ page }) => {
  await input(page).click();
  await page.keyboard.type("来月大阪で");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("Rustの勉強会は？");
  await expect(input(page)).toHaveValue("来月大阪で\nRustの勉強会は？");
  await page.keyboard.press("Enter");
  await expect(answers(page)).toHaveCount(1);
  await expect(input(page)).toHaveValue("");
});

test("「新しい会話」 clears the conversation and starts a new session", async ({ page }) => {
  const first = page.waitForRequest(STREAM);
  await ask(page, "TypeScriptのカンファレンスある？");
  const firstSession = chatBody(await first).session_id;
  await expect(answers(page)).toHaveCount(1);
  await page.getByRole("button", { name: "新しい会話" }).click();
  await expect(answers(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "面白そうなイベント教えて" })).toBeVisible();
  await expect(input(page)).toBeFocused();
  await screenshot(page, "04-new-conversation");
  const second = page.waitForRequest(STREAM);
  await page.getByRole("button", { name: "面白そうなイベント教えて" }).click();
  const body = chatBody(await second);
  expect(body.turn).toBe(0);
  expect(body.session_id).not.toBe(firstSession);
  await expect(answers(page)).toHaveCount(1);
});

test("an injected 503 shows the Japanese message, keeps the text, and 再送信 recovers", async ({ page }) => {
  let failNext = true;
  await page.route(STREAM, async (route: Route) => {
    if (!failNext) {
      await route.continue();
      return;
    }
    failNext = false;
    await route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "agent_unavailable", message: "エージェントに接続できませんでした。" } }),
    });
  });
  await ask(page, "来月大阪でRustの勉強会は？");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("サービスが一時的に利用できません");
  await expect(input(page)).toHaveValue("来月大阪でRustの勉強会は？");
  await expect(page.getByText("未送信")).toBeVisible();
  await screenshot(page, "05-error-503");
  await alert.getByRole("button", { name: "再送信" }).click();
  await expect(answers(page)).toHaveCount(1);
  await expect(alert).toHaveCount(0);
  await expect(page.getByText("未送信")).toHaveCount(0);
});

test("an injected 408 renews the session and the resend uses it", async ({ page }) => {
  const sessions: SentChat[] = [];
  let expireNext = false;
  await page.route(STREAM, async (route: Route) => {
    sessions.push(chatBody(route.request()));
    if (expireNext) {
      expireNext = false;
      await route.fulfill({
        status: 408,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "session_expired", message: "セッションの有効期限が切れました。" } }),
      });
      return;
    }
    await route.continue();
  });
  await ask(page, "TypeScriptのカンファレンスある？");
  await expect(answers(page)).toHaveCount(1);
  expireNext = true;
  await ask(page, "大阪だと？");
  await expect(page.getByRole("alert")).toContainText("会話の有効期限が切れました");
  await expect(page.getByText("新しい会話を開始しました。")).toBeVisible();
  await expect(input(page)).toHaveValue("大阪だと？");
  await screenshot(page, "06-error-408");
  await page.getByRole("button", { name: "再送信" }).click();
  await expect(answers(page)).toHaveCount(2);
  expect(sessions).toHaveLength(3);
  const [first, expired, resent] = sessions as [SentChat, SentChat, SentChat];
  expect(expired).toMatchObject({ session_id: first.session_id, turn: 1 });
  expect(resent).toMatchObject({ message: "大阪だと？", turn: 0 });
  expect(resent.session_id).not.toBe(first.session_id);
});

test("an error event after the first text keeps the partial answer, and 再送信 gets a real one", async ({ page }) => {
  let failNext = true;
  await page.route(STREAM, async (route: Route) => {
    if (!failNext) {
      await route.continue();
      return;
    }
    failNext = false;
    await route.fulfill({
      status: 200,
      contentType: "text/event-stream; charset=utf-8",
      body: sse(
        { type: "text", text: "来月の大阪で開催される" },
        { type: "text", text: "Rustの勉強会は" },
        { type: "error", code: "agent_timeout", message: "回答の作成に時間がかかりすぎました。" },
      ),
    });
  });
  await ask(page, "来月大阪でRustの勉強会は？");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("回答の作成に時間がかかりすぎたため中断しました");
  const partial = answers(page).first();
  await expect(partial).toContainText("来月の大阪で開催されるRustの勉強会は");
  await expect(partial).toContainText("（エラーのため中断しました）");
  await expect(page.getByText("未送信")).toHaveCount(0);
  await screenshot(page, "06b-error-event-mid-answer");
  await alert.getByRole("button", { name: "再送信" }).click();
  await expect(answers(page)).toHaveCount(2);
  await expect(answers(page).nth(1)).not.toContainText("中断しました");
  await expect(alert).toHaveCount(0);
});

test("hostile Markdown stays inert", async ({ page }) => {
  const hostile = [
    "# 危険な回答",
    "<script>alert('script')</script>",
    "<img src=x onerror=\"alert('img')\">",
    "![pixel](https://tracker.invalid/pixel.png)",
    "[押してね](javascript:alert('link')) [これも](JaVaScRiPt&colon;alert('entity'))",
    '<a href="javascript:alert(\'raw\')">raw link</a> <iframe src="javascript:alert(\'iframe\')"></iframe>',
    "<svg onload=\"alert('svg')\"></svg><details open ontoggle=\"alert('toggle')\">x</details>",
    "[正しいリンク](https://sample-connpass.example/event/1/)",
  ].join("\n\n");
  await page.route(STREAM, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/event-stream; charset=utf-8",
      body: sse(
        ...Array.from({ length: Math.ceil(hostile.length / 9) }, (_, index) => ({
          type: "text",
          text: hostile.slice(index * 9, index * 9 + 9),
        })),
        {
          type: "done",
          session_id: chatBody(route.request()).session_id,
          events: [{ id: 1, title: "<img src=x onerror=alert('card')>", url: "javascript:alert('card')" }],
        },
      ),
    }),
  );
  await ask(page, "危ない回答をください");
  const answer = answers(page).first();
  await expect(answer.getByRole("heading", { name: "危険な回答" })).toBeVisible();
  await expect(answer.getByText("押してね")).toBeVisible();
  // Give any onerror/onload a chance to fire before checking that none did.
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    scripts: document.querySelectorAll("main script, main iframe, main img, main svg, main details").length,
    javascriptHrefs: Array.from(document.querySelectorAll("a")).filter((a) => /^\s*javascript:/i.test(a.getAttribute("href") ?? "")).length,
    handlers: Array.from(document.querySelectorAll("main *")).filter((el) => el.getAttributeNames().some((n) => n.startsWith("on"))).length,
    links: Array.from(document.querySelectorAll("main a")).map((a) => a.getAttribute("href")),
  }));
  expect(found).toEqual({
    scripts: 0,
    javascriptHrefs: 0,
    handlers: 0,
    links: ["https://tracker.invalid/pixel.png", "https://sample-connpass.example/event/1/"],
  });
  await screenshot(page, "07-hostile-markdown");
});
