"""Watching instances: finding finished tasks, and telling the channels that follow them."""
