"""Japanese, specific and recoverable error notices for the chat UI.

The agent client maps every failure to a Contract 2 code; this module says, per code, what happened
and what the person can do next. Every notice points at the 「再送信」 button, because the app keeps
the unsent question in the history instead of dropping it.
"""

from __future__ import annotations

import math

from confee_ui.markdown import code_span

RESEND_HINT = "「再送信」を押すと同じ質問をもう一度送ります。"

#: Shown under a question whose answer was cut off because the page run was stopped or replaced.
INTERRUPTED_NOTICE = f"回答の途中で中断されました。{RESEND_HINT}"


def _wait_text(retry_after: float | None) -> str:
    """Turn a Retry-After value into a short Japanese waiting instruction."""
    if retry_after is None or retry_after <= 0 or math.isnan(retry_after):
        return "少し時間をおいてから"
    seconds = math.ceil(retry_after)
    if seconds < 60:
        return f"{seconds}秒ほど待ってから"
    return f"{math.ceil(seconds / 60)}分ほど待ってから"


def error_notice(code: str, message: str = "", retry_after: float | None = None, target_label: str = "") -> str:
    """Build the notice shown under a question that could not be answered.

    Args:
        code: The client's error code (``invalid_request``, ``session_expired``, ``throttled``,
            ``agent_unavailable``, ``agent_timeout``; anything else is treated as unknown).
        message: The client's own Japanese message, used where it is the most specific text.
        retry_after: Seconds the server asked us to wait (throttling only).
        target_label: Which agent the app talks to, so "unreachable" names it (escaped: the notice is Markdown).

    Returns:
        One or two Japanese sentences ending with what to do next.
    """
    if code == "agent_unavailable":
        where = f"（接続先: {code_span(target_label)}）" if target_label else ""
        return (
            f"エージェントに接続できないか、エージェントでエラーが発生しました{where}。"
            f"エージェントが起動しているか確認してください。{RESEND_HINT}"
        )
    if code == "throttled":
        return f"ただいま混み合っています。{_wait_text(retry_after)}「再送信」を押してください。"
    if code == "agent_timeout":
        return f"回答が時間内に返ってきませんでした。少し待つか、質問を短くしてみてください。{RESEND_HINT}"
    if code == "session_expired":
        return (
            "しばらく操作がなかったため、会話の有効期限が切れました。新しい会話を自動で開始しました"
            f"（これまでのやり取りはエージェントに引き継がれません）。{RESEND_HINT}"
        )
    if code == "invalid_request":
        detail = message or "リクエストの形式が正しくありません。"
        return f"{detail} 質問の内容を確認して、もう一度送信してください。"
    detail = message or "予期しないエラーが発生しました。"
    return f"{detail} {RESEND_HINT}"
