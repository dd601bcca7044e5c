"""One real-browser test: ``streamlit run`` on 127.0.0.1, Debian's Chromium through Playwright.

The app runs the real in-process agent on the offline model and the sample catalogue, so the
streamed answer must link to the sample catalogue's example domain. A screenshot lands in
``artifacts/`` for people to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE_DOMAIN = "sample-connpass.example"  # group subdomains, e.g. https://rust-osaka.sample-connpass.example/event/1/

QUESTION = "面白そうなイベント教えて"  # broad on purpose: any sample catalogue has popular events

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not become healthy at {url} within {timeout} s")


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium, installed through the project script when missing."""
    if not CHROMIUM.exists():
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "ensure-chromium.sh")], capture_output=True, text=True, check=False
        )
        if result.returncode != 0 or not CHROMIUM.exists():
            pytest.fail(f"scripts/ensure-chromium.sh could not install Chromium:\n{result.stderr[-2000:]}")
    return CHROMIUM


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """A real ``streamlit run streamlit_app.py`` on a free 127.0.0.1 port, embedded default configuration.

    The server's output goes to ``artifacts/streamlit-server.log`` for diagnosing failures.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONNPASS_", "CONFEE_", "AWS_"))}
    env.update(CONFEE_AGENT="local", CONFEE_MODEL="offline", CONFEE_EVENTS="sample", PYTHONUNBUFFERED="1")
    (ROOT / "artifacts").mkdir(exist_ok=True)
    log = ROOT / "artifacts" / "streamlit-server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
            yield f"http://127.0.0.1:{port}/"
        except (RuntimeError, TimeoutError) as exc:
            pytest.fail(f"{exc}\n{log.read_text(errors='replace')[-3000:]}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_question_streams_an_answer_with_sample_links(chromium: Path, app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="ja-JP")
        try:
            page.goto(app_url)
            expect(page.get_by_role("heading", name="Confee — 技術イベント検索")).to_be_visible(timeout=30_000)
            box = page.get_by_test_id("stChatInputTextArea")
            box.fill(QUESTION)
            box.press("Enter")

            messages = page.get_by_test_id("stChatMessage")
            expect(messages.first).to_contain_text(QUESTION, timeout=30_000)  # replaces the greeting
            answer = messages.nth(1)
            link = answer.locator(f'[data-testid="stMarkdownContainer"] a[href*=".{SAMPLE_DOMAIN}/event/"]').first
            expect(link).to_be_visible(timeout=60_000)
            href = link.get_attribute("href") or ""
            assert urlsplit(href).scheme == "https"
            assert (urlsplit(href).hostname or "").endswith("." + SAMPLE_DOMAIN)
            expect(page.get_by_text("サンプルデータ").first).to_be_visible()
            # The run has finished once the sidebar counts the exchange and the cards are under the answer.
            expect(page.get_by_test_id("stSidebar")).to_contain_text("やり取り 1 回", timeout=30_000)
            expect(answer.get_by_test_id("stExpander")).to_contain_text("紹介したイベント")
            page.screenshot(path=str(artifacts / "streamlit-chat.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(artifacts / "streamlit-chat-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
