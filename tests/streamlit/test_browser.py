"""Real-browser tests: ``streamlit run`` on 127.0.0.1, Debian's Chromium through Playwright.

The app runs the real in-process agent on the offline model and the sample catalogue with 「今日」 pinned,
so the streamed answer must link to the sample catalogue's example domain and the trace is known. Every
request the page makes is recorded: none may leave 127.0.0.1 (the favicon is served by the app itself).
Screenshots land in ``artifacts/`` for people to look at.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
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
KNOWN_QUESTION = "TypeScriptのカンファレンスある？"  # its search arguments are known on the sample catalogue
TODAY = "2026-11-24"

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
    env.update(CONFEE_TODAY=TODAY, AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
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


class Browser:
    """One page on the app, with every URL it requested (HTTP and WebSocket)."""

    def __init__(self, page: Any, app_url: str) -> None:
        self.page = page
        self.app_url = app_url
        self.requested: list[str] = []
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("websocket", lambda socket: self.requested.append(socket.url))

    def open(self) -> Any:
        from playwright.sync_api import expect

        self.page.goto(self.app_url)
        expect(self.page.get_by_role("heading", name="Confee — 技術イベント検索")).to_be_visible(timeout=30_000)
        return self.page

    def ask(self, question: str, answered: int) -> None:
        """Type a question and wait until the sidebar counts ``answered`` exchanges (the run has finished)."""
        from playwright.sync_api import expect

        box = self.page.get_by_test_id("stChatInputTextArea")
        box.fill(question)
        box.press("Enter")
        expect(self.page.get_by_test_id("stSidebar")).to_contain_text(f"やり取り {answered} 回", timeout=60_000)

    def outside_hosts(self) -> list[str]:
        """Requests to anything but 127.0.0.1 (``data:`` and ``blob:`` URLs never leave the page)."""
        return [
            url for url in self.requested
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
        ]  # fmt: skip


@pytest.fixture
def browser(chromium: Path, app_url: str, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """A fresh page (its own Streamlit session); a screenshot on failure; no request may leave 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = launched.new_page(viewport={"width": 1280, "height": 1000}, locale="ja-JP", accept_downloads=True)
        session = Browser(page, app_url)
        try:
            yield session
        except Exception:
            page.screenshot(path=str(artifacts / f"{request.node.name}-failure.png"), full_page=True)
            raise
        finally:
            launched.close()
    assert session.requested, "the page made no requests at all"
    assert session.outside_hosts() == []


def test_question_streams_an_answer_with_sample_links(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open()
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
    expect(answer.get_by_test_id("stExpander").first).to_contain_text("紹介したイベント")
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href") or ""
    assert urlsplit(icon).hostname in (None, "127.0.0.1") and "/media/" in icon  # the app serves its favicon
    page.screenshot(path=str(ROOT / "artifacts" / "streamlit-chat.png"), full_page=True)


def test_trace_panel_opens_and_shows_the_tool_arguments(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open()
    browser.ask(KNOWN_QUESTION, answered=1)
    answer = page.get_by_test_id("stChatMessage").nth(1)
    panel = answer.get_by_test_id("stExpander").filter(has_text="ツール呼び出し")
    expect(panel).to_have_count(1)
    arguments = panel.get_by_test_id("stTable").first
    expect(arguments).to_be_hidden()  # collapsed until asked for
    panel.locator("summary").click()
    expect(arguments).to_be_visible()
    expect(arguments).to_contain_text("keywords")
    expect(arguments).to_contain_text("TypeScript")
    expect(arguments).to_contain_text("カンファレンス、Conference、Kaigi")
    expect(panel).to_contain_text("1. search_connpass — 成功・")
    expect(panel).to_contain_text("ymd=20261124")  # the query sent to the source, with 「今日」 pinned
    page.screenshot(path=str(ROOT / "artifacts" / "streamlit-trace.png"), full_page=True)


def test_compare_mode_renders_two_answers(browser: Browser) -> None:
    from playwright.sync_api import expect

    page = browser.open()
    page.get_by_test_id("stSidebar").get_by_text("比較モード").click()
    expect(page.get_by_text("比較モードを開始")).to_be_visible(timeout=30_000)
    browser.ask(KNOWN_QUESTION, answered=1)
    columns = page.get_by_test_id("stColumn").filter(has=page.get_by_test_id("stChatMessage"))
    expect(columns).to_have_count(2)
    for side, column in zip("AB", (columns.nth(0), columns.nth(1)), strict=True):
        expect(column).to_contain_text(f"{side} プロセス内・オフラインモデル")
        expect(column.locator(f'a[href*=".{SAMPLE_DOMAIN}/event/"]').first).to_be_visible()
        expect(column.get_by_test_id("stExpander").filter(has_text="ツール呼び出し")).to_have_count(1)
    page.screenshot(path=str(ROOT / "artifacts" / "streamlit-compare.png"), full_page=True)


def test_exported_json_carries_the_trace(browser: Browser) -> None:
    page = browser.open()
    browser.ask(KNOWN_QUESTION, answered=1)
    with page.expect_download() as pending:
        page.get_by_test_id("stSidebar").get_by_role("button", name="JSON").click()
    download: Any = pending.value
    assert download.suggested_filename.startswith("confee-") and download.suggested_filename.endswith(".json")
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    answer = document["messages"][1]
    assert answer["meta"]["trace"]["tool_calls"][0]["arguments"]["keywords"] == ["TypeScript"]


def test_the_newest_answer_scrolls_into_view(browser: Browser) -> None:
    """Streamlit pins a chat to the bottom, which shows only the end of a long answer: the page brings the newest
    question to the top instead, with the start of its answer right below it."""
    page = browser.open()
    questions = (QUESTION, KNOWN_QUESTION, QUESTION)  # the first and third answers are taller than the window
    for answered, question in enumerate(questions, start=1):
        browser.ask(question, answered=answered)
    bubbles = page.get_by_test_id("stChatMessage")
    deadline = time.monotonic() + 10
    while True:  # the page scrolls once the run has finished; give it a moment
        question_box, answer_box = bubbles.nth(4).bounding_box(), bubbles.nth(5).bounding_box()
        if (question_box and answer_box and -1 <= question_box["y"] < 200) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert question_box is not None and -1 <= question_box["y"] < 200, question_box
    assert answer_box is not None and answer_box["y"] < 300 and answer_box["height"] > 1000, answer_box
