"""Model providers: ``offline`` (deterministic, the embedded default) and ``bedrock`` (Nova Micro).

Providers are imported lazily so the offline default never loads Bedrock-specific code paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.clock import Clock, system_clock
from agent.config import Settings

if TYPE_CHECKING:
    from strands.models import Model


def build_model(settings: Settings, clock: Clock = system_clock) -> Model:
    """The model named by ``settings.model``; one instance is shared by every session (it holds no history)."""
    if settings.model == "bedrock":
        from agent.models.bedrock import bedrock_model

        return bedrock_model(settings)
    from agent.models.offline import OfflineModel

    return OfflineModel(clock=clock)
