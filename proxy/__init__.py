"""Confee's Chat API: one ASGI app (``proxy.app``) for the Chat Lambda and the local server, the agent client it
shares with Streamlit, and the local server that serves it next to the SPA.

Import-light by design: the standard library, Starlette and boto3 only (the agent's dependencies never reach the
Lambda bundle; boto3 and the in-process transport's ``agent`` are imported on first use).
"""
