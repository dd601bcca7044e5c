"""Escaping: outside text renders literally, links only for http(s) URLs."""

from __future__ import annotations

from confee_ui.markdown import code_span, escape_markdown, safe_url


def test_safe_url() -> None:
    assert safe_url("https://rust-osaka.sample-connpass.example/event/1/") == (
        "https://rust-osaka.sample-connpass.example/event/1/"
    )
    assert safe_url("https://x.example/a_(b)") == "https://x.example/a_%28b%29"
    assert safe_url("ftp://x.example/") is None
    assert safe_url("https://x.example/a b") is None
    assert safe_url(None) is None


def test_escape_markdown() -> None:
    assert escape_markdown("a\n  *b*") == "a \\*b\\*"
    assert escape_markdown(":red[赤] $x$ <b>") == "\\:red\\[赤\\] \\$x\\$ \\<b\\>"
    assert escape_markdown("http://127.0.0.1:9") == "http\\://127.0.0.1\\:9"  # no autolink


def test_code_span() -> None:
    assert code_span("a `b`\n c") == "`a 'b' c`"
