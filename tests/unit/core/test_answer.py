"""`name <glob>` finds tasks by the names people read, not only DMS's identifiers."""

from __future__ import annotations

import pytest

from bot.core.answer import name_matches


@pytest.mark.parametrize(
    ("name", "glob"),
    [
        ("extendInstance", "extend*"),  # DMS's own name, as before
        ("extendInstance", "scale*"),  # the English label: "Scale instance"
        ("extendInstance", "Scale instance"),
        ("restartInstance", "重启"),  # the Chinese label: "重启实例"
        ("restartInstance", "restart"),
        ("someNewTask", "new task"),  # an unknown name, humanized: "Some new task"
    ],
)
def test_a_name_filter_matches_the_identifier_and_the_shown_names(name: str, glob: str) -> None:
    assert name_matches(name, glob)


@pytest.mark.parametrize(
    ("name", "glob"),
    [("restartInstance", "delete*"), ("extendInstance", "重启"), ("restartInstance", "*topic")],
)
def test_a_name_filter_still_leaves_out_what_it_does_not_name(name: str, glob: str) -> None:
    assert not name_matches(name, glob)
