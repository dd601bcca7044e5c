"""The event mirror: every upcoming connpass event in one snapshot, so a question costs connpass nothing.

``sync`` reads the whole upcoming window at connpass's pace (≤ 1 request/second) and publishes a
snapshot through a ``store`` (a directory or ``s3://bucket/prefix``); ``source`` serves searches from
the newest snapshot in memory and falls back to live connpass when it is missing or too old.
This package imports neither strands nor the models: the Sync Lambda bundles it without them.
"""
