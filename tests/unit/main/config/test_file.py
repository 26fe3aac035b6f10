"""kafka-tasks.toml: a complete file, every refusal with its line, and no secret shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.dms.accounts import Alias
from bot.main.config import ConfigFile, ConfigFileError, load_config_file, locate
from bot.main.settings import ENV_ACCOUNT, Settings, SettingsError
from tests.paths import REPO_ROOT

ORDERS_ID = "5b0c6f0e-8d3a-4c51-9a55-4b2f7f1e3c9d"
PAYMENTS_ID = "7d2e8f10-1a2b-4c3d-8e9f-0a1b2c3d4e5f"

GOOD = f"""\
# A complete file: every table and key.
[defaults]
account = "staging"
timezone = "Asia/Shanghai"
language = "zh"

[accounts.prod]
region = "cn-north-4"
project_id = "0123456789abcdef0123456789abcdef"
ak_env = "PROD_HUAWEICLOUD_SDK_AK"
sk_env = "PROD_HUAWEICLOUD_SDK_SK"
security_token_env = "PROD_TOKEN"

[accounts.staging]
region = "eu-west-101"
project_id = "fedcba9876543210fedcba9876543210"
ak_env = "STAGING_AK"
sk_env = "STAGING_SK"
endpoint = "https://dms.internal.example:8443/"

[aliases]
orders = {{ account = "prod", instance = "{ORDERS_ID}" }}
payments = {{ instance = "{PAYMENTS_ID}" }}

[access]
default = "allow"

[[access.rules]]
effect = "deny"
channels = ["C0PUBLIC"]
instances = ["orders"]
"""

SECRETS = {
    "PROD_HUAWEICLOUD_SDK_AK": "PRODACCESSKEYID0001",
    "PROD_HUAWEICLOUD_SDK_SK": "prod-secret-key-value-0001",
    "PROD_TOKEN": "prod-temporary-token-value",
    "STAGING_AK": "STAGINGACCESSKEY002",
    "STAGING_SK": "staging-secret-key-value-0002",
}
SECRET_VALUES = ("prod-secret-key-value-0001", "prod-temporary-token-value", "staging-secret")


def write(tmp_path: Path, text: str, name: str = "kafka-tasks.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> ConfigFile:
    return load_config_file(write(tmp_path, text), SECRETS if env is None else env)


def refusal(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigFileError) as caught:
        load(tmp_path, text, env)
    return str(caught.value)


def test_a_complete_file(tmp_path: Path) -> None:
    config = load(tmp_path, GOOD)
    assert config.default_account == "staging"
    assert config.timezone == "Asia/Shanghai"
    assert config.language == "zh"
    prod, staging = config.accounts
    assert (prod.name, prod.region, prod.project_id) == (
        "prod",
        "cn-north-4",
        "0123456789abcdef0123456789abcdef",
    )
    assert prod.base_url() == "https://dms.cn-north-4.myhuaweicloud.com"
    assert prod.credentials.ak == "PRODACCESSKEYID0001"
    assert prod.credentials.sk == "prod-secret-key-value-0001"
    assert prod.credentials.security_token == "prod-temporary-token-value"
    assert (prod.ak_env, prod.sk_env, prod.security_token_env) == (
        "PROD_HUAWEICLOUD_SDK_AK",
        "PROD_HUAWEICLOUD_SDK_SK",
        "PROD_TOKEN",
    )
    assert str(prod.place) == "cn-north-4, project 0123456789abcdef0123456789abcdef"
    # The endpoint wins over the region for the URL; the region still names the place.
    assert staging.base_url() == "https://dms.internal.example:8443"
    assert staging.credentials.security_token is None
    assert str(staging.place).startswith("eu-west-101, project ")
    assert config.aliases == (
        Alias(name="orders", instance_id=ORDERS_ID, account="prod"),
        Alias(name="payments", instance_id=PAYMENTS_ID, account=None),
    )
    assert config.policy is not None
    assert config.policy.default == "allow"
    assert len(config.policy.rules) == 1
    assert config.policy.aliases == {"orders": ORDERS_ID, "payments": PAYMENTS_ID}


def test_the_default_account_is_the_first_and_tables_are_optional(tmp_path: Path) -> None:
    first = GOOD.replace('account = "staging"\n', "")
    assert load(tmp_path, first).default_account == "prod"
    bare = load(tmp_path, "# nothing yet\n")
    assert (bare.accounts, bare.default_account, bare.aliases, bare.policy) == ((), None, (), None)
    assert (bare.timezone, bare.language) == (None, None)


def test_the_readme_and_the_example_file_hold_the_same_valid_example(tmp_path: Path) -> None:
    repo = REPO_ROOT
    example = (repo / "kafka-tasks.toml.example").read_text(encoding="utf-8")
    assert example.strip() in (repo / "README.md").read_text(encoding="utf-8")
    env = {
        "PROD_HUAWEICLOUD_SDK_AK": "a",
        "PROD_HUAWEICLOUD_SDK_SK": "b",
        "PROD_TOKEN": "c",
        "STAGING_HUAWEICLOUD_SDK_AK": "d",
        "STAGING_HUAWEICLOUD_SDK_SK": "e",
    }
    config = load(tmp_path, example, env)
    assert [a.name for a in config.accounts] == ["prod", "staging"]
    assert config.aliases


# Each bad file, the line its message must name, and words the message must hold.
BAD: list[tuple[str, str, int, tuple[str, ...]]] = [
    ("syntax", "[defaults]\ntimezone = Asia/Shanghai\n", 2, ("not valid TOML", "quotes")),
    (
        "table declared twice",
        GOOD + '\n[accounts.prod]\nregion = "cn-north-4"\n',
        len(GOOD.splitlines()) + 2,
        ("[accounts.prod] is declared a second time", "rename one"),
    ),
    ("key set twice", '[defaults]\nlanguage = "en"\nlanguage = "zh"\n', 3, ("already set",)),
    ("unclosed", '[defaults]\nlanguage = "en\n', 2, ("not closed",)),
    (
        "unknown table",
        '[defaults]\nlanguage = "en"\n\n[acounts.prod]\nregion = "x"\n',
        4,
        ('unknown table "acounts"', 'did you mean "accounts"', "[defaults], [accounts]"),
    ),
    ("unknown top-level key", 'colour = "blue"\n', 1, ('unknown key "colour"', "[aliases]")),
    ("defaults key at the top", 'timezone = "UTC"\n', 1, ("belongs under [defaults]",)),
    (
        "unknown key in defaults",
        '[defaults]\nlanguge = "zh"\n',
        2,
        ('"languge"', 'did you mean "language"', "account, timezone, language"),
    ),
    (
        "default account unknown",
        GOOD.replace('account = "staging"', 'account = "stagin"'),
        3,
        ('"stagin" is not an account', 'did you mean "staging"', "prod, staging"),
    ),
    (
        "bad time zone",
        GOOD.replace("Asia/Shanghai", "Asia/Beijing"),
        4,
        ('"Asia/Beijing" is not an IANA time zone', "Asia/Shanghai"),
    ),
    ("bad language", GOOD.replace('"zh"', '"fr"'), 5, ('"en" or "zh"', '"fr"')),
    (
        "secret in the file",
        GOOD.replace('sk_env = "STAGING_SK"', 'sk_env = "STAGING_SK"\nsk = "staging-secret-x"'),
        19,
        ("[accounts.staging] sk", "must not hold credentials", 'sk_env = "STAGING_'),
    ),
    (
        "secret under another name",
        GOOD.replace(
            'sk_env = "STAGING_SK"', 'sk_env = "STAGING_SK"\nsecretAccessKey = "staging-secret-y"'
        ),
        19,
        ("secretAccessKey", "must not hold credentials", "sk_env"),
    ),
    (
        "token in the file",
        GOOD.replace('security_token_env = "PROD_TOKEN"', 'security_token = "prod-token-z"'),
        12,
        ("security_token", "must not hold credentials", "security_token_env = "),
    ),
    (
        "unknown key in an account",
        GOOD.replace('project_id = "fedcba', 'projet = "x"\nproject_id = "fedcba'),
        16,
        ('unknown key "projet"', 'did you mean "project_id"'),
    ),
    (
        "variable not set",
        GOOD.replace('ak_env = "STAGING_AK"', 'ak_env = "STAGING_ACCESS_KEY"'),
        17,
        ("[accounts.staging] ak_env", "STAGING_ACCESS_KEY", "not set"),
    ),
    (
        "key pasted into ak_env",
        GOOD.replace('ak_env = "STAGING_AK"', 'ak_env = "HPUAQWERTYUIOPASDFGH"'),
        17,
        ("[accounts.staging] ak_env must be the NAME of an environment variable",),
    ),
    (
        "no project",
        GOOD.replace('project_id = "fedcba9876543210fedcba9876543210"\n', ""),
        14,
        ("[accounts.staging] has no project_id",),
    ),
    (
        "no region nor endpoint",
        GOOD.replace('region = "cn-north-4"\n', ""),
        7,
        ("[accounts.prod] has no region", "endpoint"),
    ),
    (
        "unknown region",
        GOOD.replace('"cn-north-4"', '"cn-nort-4"'),
        8,
        ('region "cn-nort-4" is not a DMS region', 'did you mean "cn-north-4"', "endpoint ="),
    ),
    (
        "endpoint not a URL",
        GOOD.replace('"https://dms.internal.example:8443/"', '"dms.internal.example"'),
        19,
        ("endpoint must be a URL starting with https://",),
    ),
    (
        "account not a table",
        '[accounts]\nprod = "cn-north-4"\n',
        2,
        ("accounts.prod must be a table", "[accounts.prod]"),
    ),
    ("no accounts in [accounts]", "[accounts]\n", 1, ("holds no account",)),
    (
        "account names differing in case",
        GOOD.replace("[accounts.staging]", "[accounts.Prod]").replace(
            'account = "staging"', 'account = "prod"'
        ),
        14,
        ('"Prod" and account "prod" differ only in case',),
    ),
    (
        "account name with @",
        GOOD.replace("[accounts.staging]", '[accounts."stag@ing"]').replace(
            'account = "staging"', 'account = "prod"'
        ),
        14,
        ("cannot be typed after @",),
    ),
    (
        "account named like another's region",
        GOOD.replace("[accounts.staging]", '[accounts."cn-north-4"]').replace(
            'account = "staging"', 'account = "prod"'
        ),
        14,
        ('"cn-north-4" has the name of the region of account "prod"',),
    ),
    (
        "alias to an unknown account",
        GOOD.replace('account = "prod", instance', 'account = "production", instance'),
        22,
        ('alias "orders" points to account "production"', "prod, staging"),
    ),
    (
        "alias with a name for an id",
        GOOD.replace(f'instance = "{PAYMENTS_ID}"', 'instance = "prod-payments"'),
        23,
        ('alias "payments": instance must be an instance id', "`instances`"),
    ),
    (
        "alias without an instance",
        GOOD.replace(f'instance = "{PAYMENTS_ID}"', 'account = "prod"'),
        23,
        ('alias "payments" has no instance',),
    ),
    (
        "alias not a table",
        GOOD.replace(f'{{ instance = "{PAYMENTS_ID}" }}', f'"{PAYMENTS_ID}"'),
        23,
        ('alias "payments" must be a table',),
    ),
    (
        "aliases differing in case",
        GOOD.replace("payments = ", "Orders = "),
        23,
        ('alias "Orders" and alias "orders" differ only in case',),
    ),
    (
        "access rule at fault",
        GOOD + '\n[[access.rules]]\neffect = "maybe"\n',
        len(GOOD.splitlines()) + 3,
        ("access.rules #2.effect", '"allow" or "deny"'),
    ),
    (
        "alias account without accounts",
        f'[aliases]\norders = {{ account = "prod", instance = "{ORDERS_ID}" }}\n',
        2,
        ("the file has no [accounts.<name>] tables",),
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_each_problem_names_its_line_and_what_to_do(
    tmp_path: Path, text: str, line: int, words: tuple[str, ...]
) -> None:
    message = refusal(tmp_path, text)
    assert message.startswith(f"kafka-tasks.toml line {line}: "), message
    for word in words:
        assert word in message
    for secret in (*SECRETS.values(), *SECRET_VALUES, "secret-x", "secret-y", "token-z"):
        assert secret not in message
    assert "HPUAQWERTYUIOPASDFGH" not in message


def test_several_problems_are_all_reported_in_line_order(tmp_path: Path) -> None:
    text = GOOD.replace('"zh"', '"fr"').replace('"cn-north-4"', '"mars-1"')
    message = refusal(tmp_path, text)
    assert message.index("line 5:") < message.index("line 8:")


def test_the_file_itself_unreadable_or_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError) as missing:
        load_config_file(tmp_path / "absent.toml", {})
    assert str(missing.value).startswith("absent.toml: cannot read ")
    assert "KAFKA_TASKS_CONFIG" in str(missing.value)
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[defaults]\ntimezone = "UTC"\n# caf\xe9\n')
    with pytest.raises(ConfigFileError) as latin1:
        load_config_file(path, {})
    assert str(latin1.value) == "latin1.toml line 3: this is not UTF-8 text; save the file as UTF-8"


def test_nothing_secret_in_the_repr_of_the_file_or_the_settings(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    config = load_config_file(path, SECRETS)
    settings = Settings.from_mapping({**SECRETS, "KAFKA_TASKS_CONFIG": str(path)})
    for shown in (repr(config), repr(settings), str(config)):
        for secret in SECRETS.values():
            assert secret not in shown
        assert "PROD_HUAWEICLOUD_SDK_SK" in shown  # the variable's name is not a secret


# -- Settings ----------------------------------------------------------------------------


def test_settings_open_the_accounts_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    settings = Settings.from_mapping({**SECRETS, "KAFKA_TASKS_CONFIG": str(path)})
    assert settings.config is not None
    assert not settings.demo_mode
    assert [a.name for a in settings.accounts()] == ["prod", "staging"]
    assert settings.default_account == "staging"
    assert settings.default_tz == "Asia/Shanghai"
    assert settings.default_lang == "zh"
    assert [a.name for a in settings.aliases] == ["orders", "payments"]
    # KAFKA_TASKS_TZ still wins over the file's zone.
    env = {**SECRETS, "KAFKA_TASKS_CONFIG": str(path), "KAFKA_TASKS_TZ": "Europe/Paris"}
    assert Settings.from_mapping(env).default_tz == "Europe/Paris"


def test_accounts_in_the_file_replace_the_environment_one(tmp_path: Path) -> None:
    # HUAWEICLOUD_SDK_* half set would be refused alone; with accounts in the file it
    # is not read at all (an account may name HUAWEICLOUD_SDK_AK as its ak_env).
    path = write(tmp_path, GOOD)
    env = {**SECRETS, "KAFKA_TASKS_CONFIG": str(path), "HUAWEICLOUD_SDK_AK": "AKONLY"}
    assert [a.name for a in Settings.from_mapping(env).accounts()] == ["prod", "staging"]


def test_without_a_file_the_environment_account_is_as_before() -> None:
    settings = Settings.from_mapping(
        {
            "HUAWEICLOUD_SDK_AK": "AKREALACCESSKEY1",
            "HUAWEICLOUD_SDK_SK": "sk-very-secret",
            "HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef",
            "HUAWEICLOUD_REGION": "cn-north-4",
        }
    )
    assert settings.config is None
    [account] = settings.accounts()
    assert account.name == ENV_ACCOUNT == settings.default_account
    assert account.base_url() == settings.endpoint()
    assert str(account.place) == "cn-north-4, project 0123456789abcdef0123456789abcdef"
    assert account.credentials == settings.credentials()
    assert settings.aliases == ()
    assert settings.default_lang == "en"
    assert Settings.from_mapping({}).accounts() == ()


def test_a_file_without_accounts_keeps_the_environment_account(tmp_path: Path) -> None:
    path = write(tmp_path, f'[aliases]\norders = {{ instance = "{ORDERS_ID}" }}\n')
    demo = Settings.from_mapping({"KAFKA_TASKS_CONFIG": str(path)})
    assert demo.demo_mode
    assert demo.accounts() == ()
    assert demo.aliases == (Alias("orders", ORDERS_ID),)
    env_only = Settings.from_mapping(
        {
            "KAFKA_TASKS_CONFIG": str(path),
            "HUAWEICLOUD_SDK_AK": "AKREALACCESSKEY1",
            "HUAWEICLOUD_SDK_SK": "sk-very-secret",
            "HUAWEICLOUD_SDK_PROJECT_ID": "0123456789abcdef0123456789abcdef",
            "HUAWEICLOUD_REGION": "cn-north-4",
        }
    )
    assert [a.name for a in env_only.accounts()] == [ENV_ACCOUNT]


def test_a_bad_file_stops_the_settings_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('"zh"', '"fr"'))
    with pytest.raises(SettingsError) as caught:
        Settings.from_mapping({**SECRETS, "KAFKA_TASKS_CONFIG": str(path), "PORT": "x"})
    assert caught.value.problems[0].startswith("kafka-tasks.toml line 5: language must be")
    assert any(p.startswith("PORT must be a number") for p in caught.value.problems)


# -- locate ------------------------------------------------------------------------------


def test_locate_finds_headers_keys_dotted_and_quoted_keys_and_array_items() -> None:
    text = """\
title = "x"
a.b.c = 1
[accounts."prod-eu"]
region = "eu-west-101"  # a comment with = and [brackets]
notes = \"\"\"
project_id = "not a key"
\"\"\"
[[access.rules]]
effect = "allow"
[[access.rules]]
users = [
  "U1",
  "U2",
]
inline = { x = 1, y = [1, 2] }
"""
    assert locate(text, ("title",)) == 1
    assert locate(text, ("a", "b", "c")) == 2
    assert locate(text, ("accounts", "prod-eu")) == 3
    assert locate(text, ("accounts", "prod-eu", "region")) == 4
    assert locate(text, ("accounts", "prod-eu", "project_id")) == 3  # only in a string
    assert locate(text, ("access", "rules", 0, "effect")) == 9
    assert locate(text, ("access", "rules", 1)) == 10
    assert locate(text, ("access", "rules", 1, "users", 1)) == 13
    assert locate(text, ("access", "rules", 1, "inline", "y")) == 15
    assert locate(text, ("nowhere",)) is None


def test_every_bad_access_rule_is_named_at_once_with_its_line(tmp_path: Path) -> None:
    text = (
        "[access]\n"  # line 1
        'default = "deny"\n'
        "\n"
        "[[access.rules]]\n"
        'channels = ["#incidents"]\n'  # line 5
        "\n"
        "[[access.rules]]\n"
        'users = ["alice"]\n'  # line 8
        'actions = ["delete"]\n'  # line 9
    )
    said = refusal(tmp_path, text)
    for line, culprit in ((5, "#incidents"), (8, "alice"), (9, "delete")):
        (problem,) = [p for p in said.splitlines() if f"line {line}:" in p]
        assert culprit in problem


def test_an_account_may_name_its_cts_and_ces_hosts(tmp_path: Path) -> None:
    text = GOOD.replace(
        'security_token_env = "PROD_TOKEN"\n',
        'security_token_env = "PROD_TOKEN"\ncts_endpoint = "https://cts.example"\n'
        'ces_endpoint = "ces.example"\n',
    )
    path = tmp_path / "kafka-tasks.toml"
    path.write_text(text)
    with pytest.raises(ConfigFileError) as info:
        load_config_file(path, SECRETS)
    assert any("ces_endpoint must be a URL" in m for m in info.value.messages)
    path.write_text(text.replace('"ces.example"', '"https://ces.example/"'))
    prod = next(a for a in load_config_file(path, SECRETS).accounts if a.name == "prod")
    where = prod.context_endpoints()
    assert (where.cts, where.ces) == ("https://cts.example", "https://ces.example")
    staging = next(a for a in load_config_file(path, SECRETS).accounts if a.name == "staging")
    assert staging.context_endpoints().cts == "https://cts.eu-west-101.myhuaweicloud.eu"


def test_cts_and_ces_endpoints_from_the_environment() -> None:
    env = {
        "HUAWEICLOUD_SDK_AK": "AK1234567890",
        "HUAWEICLOUD_SDK_SK": "SK1234567890",
        "HUAWEICLOUD_SDK_PROJECT_ID": "p",
        "HUAWEICLOUD_REGION": "ru-northwest-2",
        "CTS_ENDPOINT": "http://127.0.0.1:8000",
    }
    (account,) = Settings.from_mapping(env).accounts()
    where = account.context_endpoints()
    assert (where.cts, where.ces, where.region) == ("http://127.0.0.1:8000", None, "ru-northwest-2")
    with pytest.raises(SettingsError, match="CES_ENDPOINT must be a URL"):
        Settings.from_mapping({**env, "CES_ENDPOINT": "ces.example"})
