/**
 * Layout at a phone's and a desktop's width: events shown once as cards drawn from the tool data (a list on
 * phones, a grid on desktops), nothing clipped or scrolling sideways, and nothing left under the composer.
 */

import type { Page } from "@playwright/test";
import { answers, expect, input, screenshot, test } from "./fixtures";

interface Layout {
  overflow: number;
  /** Elements of the conversation reaching past the viewport's right edge. */
  clipped: string[];
  /** Distinct left edges of the event cards of the first answer (its columns). */
  columns: number;
  cards: number;
  /** Cards of the first answer drawn from the tool data, and those with a visible 「connpassで見る」 link. */
  factCards: number;
  moreLinks: number;
  /** Elements of the cards whose content is wider than their box (cut off or spilling over the card). */
  overfull: string[];
  /** Last answer's bottom and the composer's top, scrolled to the end. */
  lastBottom: number;
  footerTop: number;
}

async function layout(page: Page): Promise<Layout> {
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = Array.from(document.querySelectorAll("main *"))
      .filter((element) => element.getBoundingClientRect().right > width + 0.5)
      .map((element) => `${element.tagName}.${element.className}`);
    const cards = Array.from(document.querySelectorAll(".messages .message-assistant"))[0]?.querySelectorAll(".event-card") ?? [];
    const lefts = new Set(Array.from(cards, (card) => Math.round(card.getBoundingClientRect().left)));
    const inCards = Array.from(cards).flatMap((card) => [card, ...Array.from(card.querySelectorAll("*"))]);
    const overfull = inCards
      .filter((element) => !element.classList.contains("visually-hidden")) // 1 px boxes for screen readers
      .filter((element) => element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
      .map((element) => `${element.tagName}.${element.className}: ${element.textContent?.slice(0, 30) ?? ""}`);
    const moreLinks = Array.from(cards).filter((card) =>
      Array.from(card.querySelectorAll("a")).some((link) => {
        const box = link.getBoundingClientRect();
        return link.textContent === "connpassで見る" && box.width > 0 && box.left >= 0 && box.right <= width;
      }),
    ).length;
    const last = Array.from(document.querySelectorAll(".messages .message")).at(-1);
    return {
      overflow: document.documentElement.scrollWidth - width,
      clipped,
      columns: lefts.size,
      cards: cards.length,
      factCards: Array.from(cards).filter((card) => card.classList.contains("event-card-facts")).length,
      moreLinks,
      overfull,
      lastBottom: last?.getBoundingClientRect().bottom ?? Infinity,
      footerTop: document.querySelector(".app-footer")?.getBoundingClientRect().top ?? 0,
    };
  });
}

test.beforeEach(async ({ page, problems }) => {
  void problems;
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Confee");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

  test("cards in one column, no sideways scrolling, nothing under the composer", async ({ page }) => {
    await expect(page.getByRole("button", { name: "TypeScriptのカンファレンスある？" })).toBeVisible();
    await screenshot(page, "08-mobile-welcome");
    await page.getByRole("button", { name: "TypeScriptのカンファレンスある？" }).tap();
    await expect(answers(page)).toHaveCount(1);
    await expect(input(page)).toBeInViewport();
    await expect(page.getByRole("button", { name: "送信" })).toBeInViewport();
    const seen = await layout(page);
    expect(seen.overflow).toBeLessThanOrEqual(0);
    expect(seen.clipped).toEqual([]);
    expect(seen.cards).toBeGreaterThan(1);
    expect(seen.factCards).toBe(seen.cards);
    expect(seen.moreLinks).toBe(seen.cards);
    expect(seen.overfull).toEqual([]);
    expect(seen.columns).toBe(1);
    expect(seen.lastBottom).toBeLessThanOrEqual(seen.footerTop + 1);
    await screenshot(page, "09-mobile-answer-end");
    await page.screenshot({ path: "test-results/screenshots/09-mobile-answer-full.png", fullPage: true });
  });
});

test.describe("on a desktop", () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test("cards in a grid, no sideways scrolling, nothing under the composer", async ({ page }) => {
    await page.getByRole("button", { name: "TypeScriptのカンファレンスある？" }).click();
    await expect(answers(page)).toHaveCount(1);
    const seen = await layout(page);
    expect(seen.overflow).toBeLessThanOrEqual(0);
    expect(seen.clipped).toEqual([]);
    expect(seen.cards).toBeGreaterThan(1);
    expect(seen.factCards).toBe(seen.cards);
    expect(seen.moreLinks).toBe(seen.cards);
    expect(seen.overfull).toEqual([]);
    expect(seen.columns).toBeGreaterThanOrEqual(2);
    expect(seen.lastBottom).toBeLessThanOrEqual(seen.footerTop + 1);
    await screenshot(page, "12-desktop-answer-end");
    await page.screenshot({ path: "test-results/screenshots/12-desktop-answer-full.png", fullPage: true });
  });
});
