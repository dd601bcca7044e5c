"""Confee agent: finds tech events in Japan by searching connpass (or the bundled sample catalogue).

Pipeline, one package per step: ``sources`` (connpass client, sample catalogue) → ``search``
(the ``search_connpass`` tool: filtering, ranking, compaction) → ``models`` (offline, Bedrock)
→ ``runtime`` (sessions, AgentCore app) → ``cli``.
"""
