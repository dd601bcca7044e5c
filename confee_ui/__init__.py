"""Pure helpers for the Streamlit demo (``streamlit_app.py``): state, cards, error texts, stream adapter.

Nothing here imports Streamlit, so every rule the page follows is unit-testable.
"""
