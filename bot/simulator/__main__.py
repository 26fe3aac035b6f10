"""``python -m bot.simulator``: the same as ``python -m bot simulator``."""

import sys

from bot.simulator.cli import main

sys.exit(main())
