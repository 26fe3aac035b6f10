"""What every view shares about outside text: how long one line of it may grow before
it is clipped (Block Kit allows far more, but a row must stay readable), and which
strings are Slack ids that may be wrapped in ``<...>``; anything else (the shell's
pseudo-channel, a test value, garbage) is shown as text, where it cannot mention."""

from __future__ import annotations

import re

NAME = 150
USER = 60
STATUS = 40
ID = 120
GLOB = 200
REASON = 500
WHERE = 200
ZONE = 64
# A label made of several outside words (statuses listed, what is being looked up).
LABEL = 200

CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
DM_ID = re.compile(r"D[A-Z0-9]{2,}")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
# The grammar splits on whitespace: only a name without any can be typed back.
TYPABLE = re.compile(r"[^\s`]+")
