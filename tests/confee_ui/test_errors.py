"""Error notices: specific per code, Japanese, and always say how to recover."""

from __future__ import annotations

import pytest

from confee_ui.errors import INTERRUPTED_NOTICE, RESEND_HINT, error_notice


def test_unavailable_names_the_target() -> None:
    text = error_notice("agent_unavailable", "x", target_label="エージェントサーバー http://127.0.0.1:8080")
    # The label is escaped so Markdown does not autolink the URL together with the Japanese text after it.
    assert "エラーが発生しました（接続先: `エージェントサーバー http://127.0.0.1:8080`）。" in text
    assert text.endswith(RESEND_HINT)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        (3.2, "4秒ほど待ってから"),
        (90, "2分ほど待ってから"),
        (None, "少し時間をおいてから"),
        (0, "少し時間をおいてから"),
    ],
)
def test_throttled_mentions_the_wait(retry_after: float | None, expected: str) -> None:
    text = error_notice("throttled", retry_after=retry_after)
    assert text.startswith("ただいま混み合っています。")
    assert expected in text
    assert "再送信" in text


def test_timeout_and_session_expired_are_distinct() -> None:
    timeout = error_notice("agent_timeout")
    expired = error_notice("session_expired")
    assert "時間内に返ってきませんでした" in timeout
    assert "新しい会話を自動で開始しました" in expired
    assert timeout != expired
    assert expired.endswith(RESEND_HINT)


def test_invalid_request_uses_the_client_message() -> None:
    text = error_notice("invalid_request", "メッセージは2000文字以内で入力してください。")
    assert text.startswith("メッセージは2000文字以内で入力してください。")


def test_unknown_code_falls_back_to_message_and_resend() -> None:
    assert error_notice("weird", "謎のエラー") == f"謎のエラー {RESEND_HINT}"
    assert error_notice("weird").startswith("予期しないエラー")
    assert INTERRUPTED_NOTICE.endswith(RESEND_HINT)
