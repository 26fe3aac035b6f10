"""What happened to an instance: CTS traces, CES alarms, the instance as it is now and
the progress of its running tasks, read defensively, and merged with its tasks into one
timeline (``merge``). Pure: the clients that fetch them live in ``bot.adapters``."""
