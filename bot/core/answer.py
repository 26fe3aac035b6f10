"""The task answer: what an ask about an instance's tasks found, before any view shows it.

Every door (Slack, the shell, the CLI, the Home tab, notifications) renders these same
records, so an answer reads the same wherever it is shown.
"""

from __future__ import annotations

import fnmatch
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.dms.models import Instance, Task, TaskList
from bot.core.grammar.window import TimeWindow
from bot.core.timeline.records import Progress
from bot.i18n import LANGS
from bot.i18n.labels import task_label


@dataclass(frozen=True)
class TasksAnswer:
    instance: Instance
    window: TimeWindow
    listing: TaskList
    # The tasks after the status and name filters, newest first.
    tasks: tuple[Task, ...]
    statuses: frozenset[str]
    name_glob: str | None
    # How far each running scale-out has got, by task id: only those DMS answered for.
    progress: Mapping[str, Progress] = field(default_factory=dict)

    @property
    def counts(self) -> Mapping[str, int]:
        """Tasks per status among the shown tasks, most common first."""
        return dict(Counter(t.status for t in self.tasks).most_common())

    @property
    def filtered(self) -> bool:
        return bool(self.statuses or self.name_glob)


@dataclass(frozen=True)
class TaskAnswer:
    instance: Instance
    task: Task
    # A running scale-out's progress, when asked for and DMS answered.
    progress: Progress | None = None


def name_matches(name: str, glob: str | None) -> bool:
    """A glob with wildcards matches whole names; plain text matches anywhere in one.

    Matched against DMS's name and against the names the bot shows for it in each
    language: someone who reads "Scale instance" or "扩容实例" types that, not
    ``extendInstance``.
    """
    if not glob:
        return True
    pattern = glob.lower()
    names = {name.lower(), *(task_label(name, lang).lower() for lang in LANGS)}
    if any(ch in pattern for ch in "*?["):
        return any(fnmatch.fnmatchcase(n, pattern) for n in names)
    return any(pattern in n for n in names)


def filter_tasks(
    tasks: Iterable[Task], statuses: frozenset[str], name_glob: str | None
) -> tuple[Task, ...]:
    return tuple(
        t
        for t in tasks
        if (not statuses or t.status in statuses) and name_matches(t.name, name_glob)
    )
