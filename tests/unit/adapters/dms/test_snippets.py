"""Snippets of unusable DMS bodies: short, and masked before they are cut."""

from __future__ import annotations

import json

from bot.adapters.dms.snippets import body_snippet, json_snippet
from bot.core.dms.errors import SNIPPET_CHARS


def test_a_body_snippet_is_cut_and_masks_a_password() -> None:
    body = b"<html>password=hunter2 " + b"x" * 10_000
    snippet = body_snippet(body)
    assert len(snippet) <= SNIPPET_CHARS
    assert "hunter2" not in snippet


def test_an_undecodable_body_still_gives_a_snippet() -> None:
    assert body_snippet(b"\xff\xfe not utf-8") != ""


def test_a_json_snippet_masks_params_and_takes_only_the_first_values() -> None:
    body = {"tasks": [{"id": str(n), "params": {"password": "hunter2"}} for n in range(1000)]}
    snippet = json_snippet(body)
    assert len(snippet) <= SNIPPET_CHARS
    assert "hunter2" not in snippet
    assert snippet.startswith('{"tasks": [{"id": "0"')


def test_a_json_snippet_of_a_scalar_is_its_json() -> None:
    assert json_snippet("text") == json.dumps("text")
