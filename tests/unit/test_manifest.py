"""app.manifest.yaml is a valid Slack app manifest and asks for exactly what the bot uses.

Validated against Slack's published JSON Schema (slackapi/manifest-schema, MIT, carried
in tests/fixtures with its LICENSE, so the suite needs nothing beside the checkout) so a
typo fails here and not when someone pastes the manifest into api.slack.com. Also pins
the facts users and operators rely on: the command, the events, Socket Mode, the
scopes, and how the Procfile starts the bot.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.paths import REPO_ROOT

REPO = REPO_ROOT
SCHEMA_DIR = REPO / "tests" / "fixtures" / "slack-manifest-schema"
V1_SCHEMA = SCHEMA_DIR / "schemas" / "manifest.schema.1.0.0.json"
ENTRY_SCHEMA = SCHEMA_DIR / "manifest.schema.json"

NEEDED_BOT_SCOPES = {
    "commands",
    "app_mentions:read",
    "chat:write",
    "chat:write.public",
    "users:read",
    "im:history",
    "channels:history",
    "groups:history",
    "mpim:history",
    # users.conversations for the Home tab: public and private channels.
    "channels:read",
    "groups:read",
    # usergroups.users.list for access rules that name user groups.
    "usergroups:read",
    # files_upload_v2 for a timeline's Export.
    "files:write",
}


def _load_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _retrieve(uri: str) -> Resource[Any]:
    """Resolve a schema reference offline: any file it names is looked up in the
    schema folders by its file name (the entry schema points at GitHub URLs)."""
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    for folder in (SCHEMA_DIR / "schemas", SCHEMA_DIR):
        if (folder / name).is_file():
            return DRAFT7.create_resource(_load_json(folder / name))
    raise LookupError(f"schema reference {uri!r} is not in {SCHEMA_DIR}")


def _validator(schema_path: Path) -> Draft7Validator:
    assert schema_path.is_file(), f"Slack's manifest schema is missing: {schema_path}"
    schema = _load_json(schema_path)
    Draft7Validator.check_schema(schema)
    # `retrieve` is the documented argument; mypy's attrs plugin misses the field's alias.
    registry: Registry[Any] = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return Draft7Validator(schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


def _errors(validator: Draft7Validator, manifest: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "app.manifest.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def v1() -> Draft7Validator:
    return _validator(V1_SCHEMA)


def test_manifest_is_valid_against_the_v1_schema(
    manifest: dict[str, Any], v1: Draft7Validator
) -> None:
    assert _errors(v1, manifest) == []


def test_manifest_is_valid_against_the_versioned_entry_schema(manifest: dict[str, Any]) -> None:
    # The entry schema routes on _metadata.major_version, as Slack's tooling does.
    assert _errors(_validator(ENTRY_SCHEMA), manifest) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("display_information", "description"), "x" * 141),
        (("features", "slash_commands", 0, "command"), "kafka-tasks"),
        (("settings", "interactivity", "is_enabled"), "yes"),
        (("settings", "no_such_setting"), True),
    ],
)
def test_the_schema_catches_mistakes(
    manifest: dict[str, Any], v1: Draft7Validator, path: tuple[str | int, ...], value: object
) -> None:
    # Proves the validation above has teeth: the schema is loaded and strict.
    broken = copy.deepcopy(manifest)
    parent: Any = broken
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value

    assert _errors(v1, broken)


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "kafka-tasks"
    assert 0 < len(info["description"]) <= 140
    # The schema states this pattern under a keyword validators ignore, so check it here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_one_slash_command_with_a_usage_hint(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/kafka-tasks"
    assert command["description"].strip()
    hint = command["usage_hint"]
    for part in ("[instance]", "last 1h", "since 09:00", "yesterday", "failed", "help"):
        assert part in hint
    # The grammar reads the text as typed; escaping would rewrite @ and # words.
    assert command["should_escape"] is False


def test_bot_user(manifest: dict[str, Any]) -> None:
    bot_user = manifest["features"]["bot_user"]
    assert bot_user == {"display_name": "kafka-tasks", "always_online": True}


def test_mentions_and_direct_messages_reach_the_bot(manifest: dict[str, Any]) -> None:
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
    }
    # Without a writable messages tab Slack does not let users DM the app at all.
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False


def test_the_home_tab_is_on(manifest: dict[str, Any]) -> None:
    # Without it Slack shows no Home tab and sends no app_home_opened for it.
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_interactivity_and_socket_mode(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_socket_mode_needs_no_request_urls(manifest: dict[str, Any]) -> None:
    # Left-over URLs would be ignored in Socket Mode and wrong once someone switches.
    settings = manifest["settings"]
    assert "request_url" not in settings["interactivity"]
    assert "request_url" not in settings["event_subscriptions"]
    assert all("url" not in c for c in manifest["features"]["slash_commands"])


def test_scopes_are_exactly_what_the_bot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert sorted(scopes["bot"]) == sorted(NEEDED_BOT_SCOPES)  # no extras, no duplicates
    assert set(scopes) == {"bot"}  # no user-token scopes


def test_procfile_runs_the_bot_server() -> None:
    lines = (REPO / "Procfile").read_text(encoding="utf-8").splitlines()
    processes = dict(line.split(":", 1) for line in lines if line.strip())
    assert {kind: command.strip() for kind, command in processes.items()} == {
        "web": "python -m bot serve"
    }
