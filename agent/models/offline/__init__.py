"""The offline model: understands common Japanese event questions itself and drives the real Strands tool loop."""

from agent.models.offline.model import OfflineModel

__all__ = ["OfflineModel"]
