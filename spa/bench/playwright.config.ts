/**
 * The SPA streaming benchmark (`npm run bench:stream`, `make bench-spa`): not a test, and not part of `make test`.
 * Same browser and the same local production path as the browser tests (spa/playwright.config.ts: spa/dist built,
 * `python -m proxy.local --with-agent` on free ports, offline model, sample catalogue), only another directory,
 * one long run, and no screenshots or traces.
 */

import { defineConfig } from "@playwright/test";
import e2e from "../playwright.config";

export default defineConfig({
  ...e2e,
  testDir: ".",
  testMatch: /.*\.bench\.ts$/,
  outputDir: "../test-results/bench",
  timeout: 300_000,
  use: { ...e2e.use, screenshot: "off", trace: "off" },
});
