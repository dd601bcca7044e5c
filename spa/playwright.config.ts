/**
 * Browser tests in Debian's Chromium (/usr/bin/chromium; `npx playwright install` cannot download here)
 * against the whole local production path: `python -m proxy.local --with-agent` serves spa/dist and the Chat
 * API (the Lambda handlers), which call the real AgentCore app (`python -m agent serve`) over HTTP, on the
 * offline model and the bundled sample catalogue. Nothing leaves 127.0.0.1.
 *
 * Environment:
 *   CONFEE_PYTHON        Python with the project's dependencies (default .venv/bin/python of the repository).
 *   CONFEE_CHROMIUM      Chromium binary (default /usr/bin/chromium).
 *   CONFEE_E2E_BASE_URL  Use an already running server instead of starting one.
 */

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineConfig } from "@playwright/test";

/** A free port on 127.0.0.1, chosen once and shared with the workers through the environment. */
function freePort(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim();
}

const external = process.env.CONFEE_E2E_BASE_URL;
const port = external === undefined ? (process.env.CONFEE_E2E_PORT ??= freePort()) : "";
const agentPort = external === undefined ? (process.env.CONFEE_E2E_AGENT_PORT ??= freePort()) : "";
const baseURL = external ?? `http://127.0.0.1:${port}`;
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const python = process.env.CONFEE_PYTHON ?? ".venv/bin/python";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  // Two shared cores: one worker, and a server with one in-process agent.
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    locale: "ja-JP",
    timezoneId: "Asia/Tokyo",
    // Instant scrolling and no animation, so screenshots show settled states.
    contextOptions: { reducedMotion: "reduce" },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CONFEE_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer:
    external === undefined
      ? {
          // From the repository root, so `-m proxy.local` imports the project; it serves spa/dist.
          command:
            `npm --prefix spa run build && ${python} -m proxy.local --host 127.0.0.1 --port ${port} ` +
            `--with-agent --agent-port ${agentPort}`,
          cwd: repoRoot,
          url: `${baseURL}/api/health`,
          reuseExistingServer: false,
          timeout: 180_000,
          stdout: "ignore",
          stderr: "pipe",
          env: { CONFEE_MODEL: "offline", CONFEE_EVENTS: "sample" },
          gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
        }
      : undefined,
});
