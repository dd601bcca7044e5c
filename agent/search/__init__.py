"""The ``search_connpass`` tool: turn a model's request into a source query, filter, rank and compact."""

from agent.search.tool import TOOL_NAME, make_search_tool, run_search

__all__ = ["TOOL_NAME", "make_search_tool", "run_search"]
