"""The Streamlit workbench's parts (``streamlit_app.py``): configurations, state, traces, exports, cards, errors.

The modules at this level do not import Streamlit, so every rule the page follows is unit-testable; the
Streamlit calls live in ``confee_ui.views``.
"""
