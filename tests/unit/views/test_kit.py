"""The Block Kit helpers every view builds with: outside text made one safe line, and
blocks and messages cut to Slack's limits."""

from __future__ import annotations

from bot.views.kit import (
    button,
    code,
    command,
    header,
    instance_label,
    md,
    message,
    one_line,
    pack_lines,
    plain,
    section,
    target,
    times,
)
from bot.views.limits import BUTTON_TEXT, HEADER_TEXT, MAX_BLOCKS, MESSAGE_TEXT, SECTION_TEXT


def test_one_line_folds_newlines_tabs_and_control_characters_into_single_spaces() -> None:
    assert one_line("  restart\nInstance\t\x00now\x7f\x85 ") == "restart Instance now"
    assert one_line("\n\r\t") == ""


def test_md_escapes_and_clips_without_splitting_an_entity() -> None:
    assert md("<@U1> & <!channel>\nnext", 100) == "&lt;@U1&gt; &amp; &lt;!channel&gt; next"
    cut = md("a & b & c", 6)
    assert cut.endswith("…")
    assert len(cut) <= 6
    assert "&amp" not in cut.replace("&amp;", "")  # no half entity left behind


def test_plain_is_not_escaped_but_made_inert_and_falls_back_when_empty() -> None:
    assert plain("a<b>&c", 20, "x") == "a<b>&c"  # plain_text is never parsed by Slack
    assert plain("\u202eevil\u2066", 20, "x") == "evil"
    assert plain(" \n ", 20, "fallback") == "fallback"
    assert plain("n" * 100, 10, "x") == "n" * 9 + "…"


def test_code_keeps_a_backtick_from_closing_the_code_and_is_never_empty() -> None:
    assert code("re*_`x`", 50) == "`re*_ˋxˋ`"
    assert code("", 50) == "` `"
    assert code("<&>", 50) == "`&lt;&amp;&gt;`"


def test_a_command_names_the_instance_by_a_name_that_can_be_typed_else_its_id() -> None:
    assert command("subscribe", target("prod-orders", "i-1")) == (
        "`/kafka-tasks subscribe prod-orders`"
    )
    assert target("orders (old)", "i-1") == "i-1"
    assert target("orders (old)", "id with space") == "&lt;instance&gt;"


def test_instance_label_is_the_name_else_the_id_else_says_unnamed() -> None:
    assert instance_label("prod\norders", "i-1") == "prod orders"
    assert instance_label("", "i-1") == "i-1"
    assert instance_label("", "") != ""
    assert instance_label("", "", "zh") != instance_label("", "", "en")


def test_times_counts_only_what_occurs_more_than_once() -> None:
    assert times("Restart instance", 1, "en") == "Restart instance"
    assert times("Restart instance", 3, "en") == "Restart instance ×3"


def test_blocks_clip_their_text_to_slacks_limits() -> None:
    assert len(header("h" * 500).to_dict()["text"]["text"]) == HEADER_TEXT
    assert len(section("s" * 5000).to_dict()["text"]["text"]) == SECTION_TEXT
    label = button("b" * 500, "a", "v").to_dict()["text"]["text"]
    assert len(label) == BUTTON_TEXT
    assert button("", "a", "v").to_dict()["text"]["text"] != ""
    assert section("x").to_dict()["text"]["verbatim"] is True  # Slack links nothing itself


def test_a_message_keeps_at_most_the_blocks_and_text_slack_takes() -> None:
    built = message("t" * 5000, [section(str(i)) for i in range(80)])
    assert len(built.text) == MESSAGE_TEXT
    assert len(built.blocks) == MAX_BLOCKS
    assert len(built.block_dicts()) == MAX_BLOCKS


def test_pack_lines_fills_each_section_and_stops_at_the_room_given() -> None:
    line = "x" * 1000
    sections, packed = pack_lines([line] * 7)
    # Three lines and their two newlines (3002) pass a section's 3000: two per section.
    assert [s.count("\n") + 1 for s in sections] == [2, 2, 2, 1]
    assert all(len(s) <= SECTION_TEXT for s in sections)
    assert packed == 7
    sections, packed = pack_lines([line] * 7, room=2)
    assert len(sections) == 2
    assert packed == 4
    assert pack_lines([], room=3) == ([], 0)
    assert pack_lines(["a", "b"], room=0) == ([], 0)
