"""CTS traces and CES alarms of an instance: the clients behind the timeline."""

from bot.adapters.context.ces import CesClient
from bot.adapters.context.client import ContextClient
from bot.adapters.context.common import ContextOptions
from bot.adapters.context.cts import CtsClient

__all__ = ["CesClient", "ContextClient", "ContextOptions", "CtsClient"]
