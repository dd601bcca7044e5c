"""Confee's Chat API: the Lambda handlers, the agent client they share with Streamlit, and a local server.

Import-light by design: the standard library and boto3 only (the agent's dependencies never reach the
Lambda bundle; the in-process transport imports ``agent`` lazily).
"""
