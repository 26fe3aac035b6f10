"""Use cases: what the bot does for an ask, whichever door it came through. No Slack web client
here.
"""
