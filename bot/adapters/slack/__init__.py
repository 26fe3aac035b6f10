"""Slack as the bot uses it: who is asking, where to reply, and posting exactly once."""
