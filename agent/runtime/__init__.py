"""Runtime: per-session agents (``sessions``), the invocation service (``service``), the AgentCore app (``server``)."""
