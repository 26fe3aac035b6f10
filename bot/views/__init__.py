"""How answers look: Block Kit for Slack and plain text for terminals."""
