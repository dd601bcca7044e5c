"""Issue 12: Streamlit's chat input ignores an edit (a paste included) that would take it over its limit, silently.

The limit is set explicitly to the Chat API's (``proxy/api/validation.py``; the agent behind Streamlit accepts the
same), and the page says it under the input. Runs the app under AppTest with the offline defaults (``workbench``).
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from agent.runtime.payload import MAX_PROMPT_CHARS
from proxy.api.validation import MAX_MESSAGE_CHARS

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


def test_chat_input_limit_is_the_chat_apis_and_the_page_says_so(workbench: None) -> None:
    # Streamlit talks to the agent directly (Contract 1): its limit must be the Chat API's too.
    assert MAX_PROMPT_CHARS == MAX_MESSAGE_CHARS
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (chat_input,) = at.chat_input
    assert chat_input.proto.max_chars == MAX_MESSAGE_CHARS
    # The note sits with the input, in the bottom container, not somewhere up the page.
    (bottom,) = [block for block in at._tree.children.values() if block.chat_input]
    notes = [caption.value for caption in bottom.caption]
    assert notes == [
        f"質問は最大 {MAX_MESSAGE_CHARS} 文字までです。"
        "それより長くなる貼り付けは入力欄に入らないので、短くしてから貼り付けてください。"
    ]
