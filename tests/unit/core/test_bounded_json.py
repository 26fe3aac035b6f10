"""The bounded JSON loader: what DMS sends is read whole, cut where too deep, or refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.bounded_json import (
    BODY,
    PARAMS,
    JsonLimits,
    Unreadable,
    UnreadableJson,
    find_unreadable,
    loads,
    read,
)

DEEP = 100_000  # far past the recursion of any parser
CUT = Unreadable("too_deep")


def nested(depth: int, inner: str = "") -> str:
    return "[" * depth + inner + "]" * depth


def page(params: str) -> str:
    """A task page whose second task's params are ``params``, as raw JSON text."""
    tasks = [
        '{"id": "a", "name": "restartInstance", "params": "{}"}',
        f'{{"id": "b", "name": "modifyConfigs", "params": {params}}}',
        '{"id": "c", "name": "deleteTopic", "params": "{\\"topic\\": \\"t1\\"}"}',
    ]
    return '{"task_count": "3", "tasks": [' + ", ".join(tasks) + "]}"


def test_a_normal_document_reads_exactly_as_json_loads_reads_it() -> None:
    text = json.dumps(
        {
            "task_count": "2",
            "tasks": [{"id": "a", "params": '{"a": [1, {"b": null}]}', "n": 1.5, "ok": True}],
            "text": 'brackets [ { in strings } ] and "quotes" \\ stay text',
        }
    )
    assert loads(text, BODY) == json.loads(text)
    assert loads(text.encode(), BODY) == json.loads(text)


def test_one_field_nested_past_any_parser_is_cut_and_the_rest_of_the_page_reads() -> None:
    # json.loads on this raises RecursionError, which no `except ValueError` catches.
    with pytest.raises(RecursionError):
        json.loads(page(nested(DEEP)))
    body = loads(page(nested(DEEP)), BODY)
    assert [t["id"] for t in body["tasks"]] == ["a", "b", "c"]
    assert body["tasks"][2]["params"] == '{"topic": "t1"}'
    assert find_unreadable(body["tasks"][1]["params"], BODY.max_depth) == CUT
    assert find_unreadable(body["tasks"][0], BODY.max_depth) is None


def test_the_depth_bound_is_exact() -> None:
    limits = JsonLimits(max_chars=1000, max_depth=3)
    assert loads(nested(3, "1"), limits) == [[[1]]]
    assert loads(nested(4, "1"), limits) == [[[CUT]]]
    assert loads('{"a": {"b": {"c": {"d": 1}}}, "e": 2}', limits) == {
        "a": {"b": {"c": CUT}},
        "e": 2,
    }
    # Each deep part is cut on its own; its neighbours stay.
    assert loads("[[[[1]], [2], [[[3]]]]]", limits) == [[[CUT], [2], [CUT]]]


def test_read_says_whether_anything_was_cut() -> None:
    limits = JsonLimits(max_chars=1000, max_depth=3)
    assert read(nested(3, "1"), limits) == ([[[1]]], False)
    assert read(nested(4, "1"), limits) == ([[[CUT]]], True)
    assert read('{"a": [1, {"b": [[2]]}], "c": 3}', limits) == (
        {"a": [1, {"b": CUT}], "c": 3},
        True,
    )
    # More brackets in strings than the bound: looked at closely, and none is nesting.
    assert read(json.dumps(["[[[[", "{{{{"]), limits) == (["[[[[", "{{{{"], False)


def test_brackets_and_escaped_quotes_inside_strings_are_not_nesting() -> None:
    limits = JsonLimits(max_chars=10_000, max_depth=2)
    text = json.dumps({"a": nested(500), "b": ['\\"[[[', "]]]"]})
    assert loads(text, limits) == json.loads(text)


def test_params_nested_too_deeply_are_unreadable_whole_at_their_own_bound() -> None:
    text = nested(PARAMS.max_depth + 1, "1")
    assert find_unreadable(loads(text, PARAMS), PARAMS.max_depth) == CUT
    assert find_unreadable(loads(nested(PARAMS.max_depth, "1"), PARAMS), PARAMS.max_depth) is None


def test_a_document_over_its_size_bound_is_refused_before_it_is_parsed() -> None:
    limits = JsonLimits(max_chars=100, max_depth=8)
    with pytest.raises(UnreadableJson) as refused:
        loads(json.dumps("x" * 200), limits)
    assert refused.value.reason == "too_large"
    assert isinstance(refused.value, ValueError)  # callers that expect bad JSON catch it
    with pytest.raises(UnreadableJson):
        loads(json.dumps("x" * 200).encode(), limits)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("<html>upstream connect error</html>", "Expecting value"),
        # Never closed: must not reach the parser's recursion.
        (nested(DEEP)[:-1], "delimiter"),
        ("]" + "[" * DEEP, "never closed"),
        ("[1]]", "Extra data"),
        ('{"a": "unterminated', "Unterminated string"),
        (b"\xff\xfe\x00", "can't decode"),
    ],
)
def test_what_is_not_json_is_a_value_error_whatever_its_nesting(
    text: str | bytes, why: str
) -> None:
    with pytest.raises(ValueError, match=why):
        loads(text, BODY)


# A hang guard, not a speed target (bench/ holds those): the work takes milliseconds,
# while a scan that retried from every quote took 18 s on the first of these and about
# two minutes on the last.
LINEAR = pytest.mark.timeout(30)


def _cut_off_twice_encoded(chars: int) -> str:
    """Params as DMS may send them: a JSON string holding a JSON document that is itself
    encoded as a string (every quote escaped, then escaped again), cut off mid-way."""
    inner = json.dumps({"configs": [{"name": f"k{n}", "value": "v"} for n in range(20_000)]})
    return json.dumps(json.dumps(inner))[:chars]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('["' + '\\"' * 40_000, id="80KB-of-escaped-quotes"),
        pytest.param(_cut_off_twice_encoded(70_000), id="70KB-cut-off-params"),
        pytest.param(_cut_off_twice_encoded(PARAMS.max_chars), id="256KiB-cut-off-params"),
    ],
)
@LINEAR
def test_a_string_that_is_never_closed_is_refused_in_linear_time(text: str) -> None:
    assert len(text) <= PARAMS.max_chars
    with pytest.raises(ValueError, match="Unterminated string"):
        loads(text, PARAMS)
    # The deep-part cutter scans the same way: reached when brackets open past the bound.
    deep = "[" * (PARAMS.max_depth + 1) + text
    with pytest.raises(ValueError, match="never closed"):
        loads(deep, JsonLimits(max_chars=len(deep), max_depth=PARAMS.max_depth))


def test_find_unreadable_bounds_depth_of_what_is_already_parsed() -> None:
    value: Any = 1
    for _ in range(40):
        value = [value]
    assert find_unreadable(value, 40) is None
    assert find_unreadable(value, 39) == CUT
    assert find_unreadable({"a": ["x", {"b": Unreadable("too_large")}]}, 10) == Unreadable(
        "too_large"
    )


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@given(_json)
def test_any_json_within_the_bounds_reads_back_as_it_was(value: Any) -> None:
    limits = JsonLimits(max_chars=10**6, max_depth=max(1, _depth(value)))
    assert loads(json.dumps(value), limits) == value
    assert loads(json.dumps(value, ensure_ascii=False).encode(), limits) == value


@given(_json, st.integers(1, 4))
def test_any_json_past_the_depth_bound_reads_with_only_the_deep_parts_cut(
    value: Any, depth: int
) -> None:
    limits = JsonLimits(max_chars=10**6, max_depth=depth)
    read_back = loads(json.dumps(value), limits)
    assert _depth(read_back) <= depth
    if _depth(value) <= depth:
        assert read_back == value
    else:
        assert find_unreadable(read_back, depth) == CUT
    assert read(json.dumps(value), limits).cut == (_depth(value) > depth)
