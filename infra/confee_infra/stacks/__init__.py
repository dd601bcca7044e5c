"""One module per stack: AgentCore runtime, Chat API, SPA frontend."""
