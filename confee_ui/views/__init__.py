"""The Streamlit parts of the workbench page: sidebar controls, the chat, the 「ツール呼び出し」 panel.

Unlike the rest of ``confee_ui``, these modules call Streamlit; the rules they follow live in the pure modules.
"""
