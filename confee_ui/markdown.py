"""Escaping for text that comes from elsewhere (the agent, connpass, the environment) before Streamlit renders it."""

from __future__ import annotations

import re

# Brackets are escaped, so parentheses, "!" and list markers inside one line are harmless; ":" guards
# Streamlit's ":red[...]" and ":emoji:" shortcodes, "$" its LaTeX, "<" raw HTML.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:])")


def escape_markdown(text: str) -> str:
    """Escape Markdown and Streamlit syntax so untrusted text renders literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def safe_url(value: object) -> str | None:
    """Return ``value`` if it is an http(s) URL usable inside a Markdown link, else ``None``."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not re.fullmatch(r"https?://[^\s<>\"]+", url):
        return None
    return url.replace("(", "%28").replace(")", "%29")


def code_span(text: str) -> str:
    """Wrap outside text in an inline code span: literal, and never autolinked (a URL in Japanese prose
    would otherwise swallow the following characters into the link)."""
    return "`" + " ".join(text.replace("`", "'").split()) + "`"
