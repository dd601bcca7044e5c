/** Shared e2e helpers: a page that fails the test on script errors, dialogs or third-party requests. */

import { mkdirSync } from "node:fs";
import { test as base, expect, type Locator, type Page } from "@playwright/test";

export const SCREENSHOTS = "test-results/screenshots";

interface Guards {
  /** Everything that would mean the page misbehaved: console errors, uncaught errors, dialogs, foreign requests. */
  problems: string[];
}

export const test = base.extend<Guards>({
  problems: async ({ page, baseURL }, use) => {
    const problems: string[] = [];
    const origin = new URL(baseURL ?? "http://127.0.0.1").origin;
    page.on("console", (message) => {
      // Chromium logs every non-2xx response; the error tests cause those on purpose.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource: the server responded")) {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith("data:") && new URL(url).origin !== origin) {
        problems.push(`third-party request: ${url}`);
      }
    });
    await use(problems);
    expect(problems, "the page misbehaved").toEqual([]);
  },
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

export function input(page: Page): Locator {
  return page.getByRole("textbox", { name: "メッセージ" });
}

/** Finished answers (complete, stopped or cut off): the ones in the conversation log. */
export function answers(page: Page): Locator {
  return page.locator(".messages .message-assistant");
}

/** The answer being written, while it streams. */
export function writing(page: Page): Locator {
  return page.locator(".message-streaming");
}

/** Type a question and press Enter, as a user would. */
export async function ask(page: Page, text: string): Promise<void> {
  await input(page).fill(text);
  await input(page).press("Enter");
}

/** An event of a `done` stream event, as the Chat API sent it (agent/search/compact.py). */
export interface WireEvent {
  url: string;
  title: string;
  date: string;
  group?: string;
  status: string;
}

/** The `events` of the `done` event in an `/api/chat/stream` body. */
export function doneEvents(body: string): WireEvent[] {
  for (const line of body.split("\n")) {
    if (line.startsWith("data: ")) {
      const event = JSON.parse(line.slice(6)) as { type?: string; events?: WireEvent[] };
      if (event.type === "done") {
        return event.events ?? [];
      }
    }
  }
  throw new Error("the stream had no done event");
}

/**
 * The `done.events` of the next answer the page receives. The answer passes through the test (read whole,
 * then handed to the page unchanged), since Chromium keeps no body of a stream the page has cancelled.
 */
export async function nextDoneEvents(page: Page): Promise<() => Promise<WireEvent[]>> {
  let resolve: (events: WireEvent[]) => void = () => undefined;
  const events = new Promise<WireEvent[]>((done) => (resolve = done));
  await page.route(
    "**/api/chat/stream",
    async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({ response, body });
      resolve(doneEvents(body));
    },
    { times: 1 },
  );
  return () => events;
}
