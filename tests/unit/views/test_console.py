"""The terminal rendering of Block Kit that the local shell prints."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from bot.core.actions import (
    DETAILS,
    PAGE_NEXT,
    PAGE_PREV,
    REFRESH,
    SHARE,
    SUBSCRIBE,
    QueryState,
    SubscribeRef,
    TaskRef,
)
from bot.core.dms.models import Task
from bot.views.console import (
    BUILDER_URL,
    builder_link,
    buttons,
    readable,
    render,
    render_text,
)
from bot.views.replies import error_message, help_message
from tests.unit.views.support import api_task, details, incident_tasks, summary


def blocks_of(message: Any) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = message.block_dicts()
    return blocks


def test_render_shows_header_rows_and_buttons() -> None:
    tasks = incident_tasks()
    out = render(blocks_of(summary(tasks, page=2)))
    lines = out.split("\n")
    assert lines[0] == "prod-orders · last 1h"
    assert lines[1] == "═" * len(lines[0])
    assert "11–20 of 37 · page 2 of 4" in out
    assert (
        "[Refresh] [‹ Previous] [Next ›] [Share in channel] [Subscribe to failures] "
        "[What happened]" in out
    )
    # Dates read as their fallback, escapes as the characters they stand for.
    assert "<!date" not in out
    assert "2026-11-27 10:00:00 Asia/Shanghai" in out
    row = next(line for line in lines if "[Details 1]" in line)
    assert row.startswith("🟢 Reset password · paas_dms · started 2026-11-27 10:44:00")
    assert row.endswith(" · 42s  [Details 1]")
    assert "🔴 3 Failed: Reset password ×2, Change configuration" in out
    assert "\x1b[" not in out
    assert all(len(line) <= 100 for line in lines)


def test_render_in_color_uses_ansi_styles() -> None:
    out = render(blocks_of(summary()), color=True)
    assert "\x1b[1m" in out  # header and bold text
    assert "\x1b[2m" in out  # context lines dimmed


def test_buttons_in_order_with_unique_labels() -> None:
    tasks = incident_tasks()
    found = buttons(blocks_of(summary(tasks, page=2)))
    labels = [b.label for b in found]
    assert labels == [
        *(f"Details {i}" for i in range(1, 11)),
        "Refresh",
        "‹ Previous",
        "Next ›",
        "Share in channel",
        "Subscribe to failures",
        "What happened",
    ]
    assert [b.action_id for b in found][-6:-1] == [REFRESH, PAGE_PREV, PAGE_NEXT, SHARE, SUBSCRIBE]
    assert {b.action_id for b in found[:10]} == {DETAILS}
    assert TaskRef.decode(found[0].value).task_id == tasks[10].id
    assert QueryState.decode(found[12].value).page == 3
    assert SubscribeRef.decode(found[14].value) == SubscribeRef(
        "43dab215-d294-570b-99de-c1e44144aaae", "prod-orders", "failed"
    )


def test_a_label_that_occurs_once_is_kept_as_it_is() -> None:
    blocks = blocks_of(summary(incident_tasks(count=1), shareable=False))
    assert [b.label for b in buttons(blocks)] == [
        "Details",
        "Refresh",
        "Subscribe to failures",
        "What happened",
    ]
    assert "[Details]" in render(blocks)


def test_only_names_shown_more_than_once_are_numbered() -> None:
    choices = [("kafka-1", "id-1"), ("kafka 2", "id-2"), ("kafka 2", "id-3")]
    found = buttons(blocks_of(error_message("which one?", choices=choices)))
    assert [(b.name, b.number, b.label) for b in found] == [
        ("kafka-1", None, "kafka-1"),
        ("kafka 2", 1, "kafka 2 1"),
        ("kafka 2", 2, "kafka 2 2"),
    ]
    shown = render(blocks_of(error_message("which one?", choices=choices)))
    assert "kafka-1 · id-1  [kafka-1]" in shown
    assert "kafka 2 · id-3  [kafka 2 2]" in shown


def test_details_fields_in_two_columns_and_params_as_code() -> None:
    task = Task.from_api(
        api_task(1, name="resetPassword", params='{"password":"pw","user_name":"a&b"}')
    )
    out = render(blocks_of(details(task)))
    lines = out.split("\n")
    assert lines[0] == "Reset password"
    name = next(line for line in lines if line.startswith("Task name: "))
    # Two fields side by side: the label's DMS name beside its status.
    assert name.startswith("Task name: resetPassword ")
    assert name.endswith("  Status: 🟢 Succeeded (SUCCESS)")
    user = next(line for line in lines if line.startswith("User: "))
    assert "  Started: " in user
    # The params are a code block: set off by an indent, never shown as backticks.
    assert "```" not in out
    assert "\n  {\n" in out
    assert '\n    "user_name": "a&b"' in out
    assert '"password": "••••••"' in out


def test_long_lines_wrap_to_the_width_but_code_does_not() -> None:
    long_value = "v" * 150
    task = Task.from_api(api_task(1, params=json.dumps({"k": long_value})))
    out = render(blocks_of(details(task)), width=60)
    assert any(long_value in line for line in out.split("\n"))
    prose = render(blocks_of(error_message("word " * 60)), width=60)
    assert all(len(line) <= 60 for line in prose.split("\n"))


def test_help_renders_the_usage_with_its_angle_brackets() -> None:
    out = render(blocks_of(help_message("Demo mode.")))
    assert "<instance> [window]" in out
    assert "&lt;" not in out
    assert "  ┊ Demo mode." in out


def test_readable_turns_markup_into_text() -> None:
    assert readable("<@U123> and <!channel>") == "@U123 and @channel"
    assert readable("<https://example.com|the docs>") == "the docs (https://example.com)"
    assert readable("*bold* and a_snake_name and `*not bold*`") == (
        "bold and a_snake_name and *not bold*"
    )
    assert readable("a &amp;lt; b &lt; c &gt; d &amp; e") == "a &lt; b < c > d & e"
    assert readable("<!date^0^{date}>") == "1970-01-01 00:00 UTC"


def test_builder_link_decodes_back_to_the_blocks() -> None:
    blocks = blocks_of(summary())
    link = builder_link(blocks)
    assert link.startswith(BUILDER_URL)
    fragment = link[len(BUILDER_URL) :]
    assert " " not in fragment
    assert "\n" not in fragment
    assert json.loads(unquote(fragment)) == {"blocks": blocks}


def widths(text: str) -> list[int]:
    return [sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in line) for line in text.split("\n")]


def test_lines_fill_a_wide_terminal_and_fit_a_narrow_one() -> None:
    blocks = blocks_of(summary(incident_tasks(), page=2))
    wide = render(blocks, width=200)
    assert "─" * 200 in wide  # the divider spans the terminal
    assert max(widths(wide)) > 100  # rows are not cut at 100 when there is room
    assert all(w <= 200 for w in widths(wide))
    for width in (40, 60, 80):
        narrow = render(blocks, width=width)
        assert all(w <= width for w in widths(narrow)), width
        assert "[Details 3]" in narrow  # a label is never broken across lines


def test_chinese_wraps_by_columns_not_characters() -> None:
    text = "查询 DMS for Kafka 实例上运行过哪些后台任务，以及结果如何。" * 4
    out = render_text(text, width=40)
    assert all(w <= 40 for w in widths(out))
    assert "".join(line.strip() for line in out.split("\n")).replace(" ", "") == text.replace(
        " ", ""
    )


def test_code_blocks_show_as_indented_text_in_help_and_details() -> None:
    out = render(blocks_of(help_message()), width=120)
    assert "```" not in out
    lines = out.split("\n")
    usage = next(line for line in lines if "<instance> [window]" in line)
    assert usage.startswith("  <instance> [window]")
    # Code keeps its own line breaks and spacing; the prose before it stays prose.
    assert "  windows:  last 30m | last 1h" in out
    assert lines[0].startswith("Ask which background tasks")
    # Long code lines are never wrapped, even in a narrow terminal.
    narrow = render(blocks_of(help_message()), width=40)
    assert any(
        line.startswith("  <instance> [window] [failed|running]") for line in narrow.split("\n")
    )


def test_code_in_color_has_its_own_style_and_no_backticks() -> None:
    out = render(blocks_of(help_message()), color=True)
    assert "\x1b[36m  <instance> [window]" in out
    inline = readable("run `prod-orders last 1h` now", color=True)
    assert inline == "run \x1b[36mprod-orders last 1h\x1b[0m now"
    assert readable("run `prod-orders last 1h` now") == "run prod-orders last 1h now"


def test_readable_sets_a_code_block_on_lines_of_its_own() -> None:
    assert readable('params:\n```\n{"a": 1}\n```\nend') == 'params:\n  {"a": 1}\nend'
    assert readable("```x &lt; y```") == "  x < y"


def test_every_emoji_a_view_uses_is_drawn_in_the_terminal() -> None:
    """A shortcode the console does not know shows as `:pencil2:` in the shell."""
    import re
    from pathlib import Path

    from bot.views import console

    views = Path(console.__file__).parent
    used = {
        name
        for module in views.glob("*.py")
        for name in re.findall(r"[\"']:([a-z0-9_+-]+):", module.read_text())
    }
    assert used, "no shortcodes found: the pattern no longer matches the views"
    assert used - set(console._EMOJI) == set()
