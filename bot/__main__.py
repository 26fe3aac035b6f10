"""``python -m bot``: see :mod:`bot.main.entry` for the commands."""

import sys

from bot.main.entry import main

if __name__ == "__main__":
    sys.exit(main())
