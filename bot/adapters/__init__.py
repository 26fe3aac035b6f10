"""The outside world behind small interfaces: DMS, the store, Slack, metrics and the audit log."""
