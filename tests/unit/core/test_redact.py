"""What is masked and what deliberately is not, shape by shape, and that every door
(Details, notifications, the audit log, the log) masks the same way."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.audit import AUDIT_LOGGER, AuditEvent, AuditLog, audit_file
from bot.adapters.log_redaction import RedactingFilter, configure_logging
from bot.core.bounded_json import PARAMS
from bot.core.redact import MASK, MAX_DEPTH, is_secret_key, mentions_secret, redact, redact_text

M = MASK
PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
PEM_CERT = (
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq\n-----END CERTIFICATE-----"
)
AK = "QTWAOYTTINDUT2QVKYUC"  # the shape of Huawei Cloud's documented example AK
SK = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"  # 40 characters, mixed case and digits
JAAS = (
    "org.apache.kafka.common.security.scram.ScramLoginModule required "
    'username="svc-billing" password="Jaa5-pw!";'
)
JAAS_MASKED = JAAS.replace("Jaa5-pw!", M)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtYmlsbGluZyJ9.c2lnbmF0dXJlLWJ5dGVz"


def row(value: Any, expected: Any, id: str) -> Any:
    return pytest.param(value, expected, id=id)


SHAPES = [
    # -- Kafka configs -----------------------------------------------------------------
    row(
        {"ssl.key.password": "k3y-pw", "ssl.keystore.location": "/etc/kafka/ks.p12"},
        {"ssl.key.password": M, "ssl.keystore.location": "/etc/kafka/ks.p12"},
        "kafka: dotted ssl.key.password masked, the keystore's location shown",
    ),
    row(
        {"ssl.keystore.key": PEM_KEY, "ssl.keystore.type": "PEM"},
        {"ssl.keystore.key": M, "ssl.keystore.type": "PEM"},
        "kafka: ssl.keystore.key masked, its type shown",
    ),
    row(
        {
            "kafka_configs": [
                {"name": "ssl.truststore.password", "old_value": "old-pw", "new_value": "new-pw"},
                {"name": "log.retention.hours", "old_value": "72", "new_value": "168"},
            ]
        },
        {
            "kafka_configs": [
                {"name": "ssl.truststore.password", "old_value": M, "new_value": M},
                {"name": "log.retention.hours", "old_value": "72", "new_value": "168"},
            ]
        },
        "kafka: {name, old_value, new_value} list, only the secret setting's values masked",
    ),
    row(
        [{"key": "encryptionKey", "value": "AAECAwQFBgc="}, {"key": "acks", "value": "all"}],
        [{"key": "encryptionKey", "value": M}, {"key": "acks", "value": "all"}],
        "kafka: {key, value} pairs keep the key visible",
    ),
    row(
        {"key.serializer": "org.apache.kafka.common.serialization.StringSerializer"},
        {"key.serializer": "org.apache.kafka.common.serialization.StringSerializer"},
        "not masked: key.serializer is not a key",
    ),
    row(
        {"topic_name": "password-reset-events", "partition": 3, "replication": 3},
        {"topic_name": "password-reset-events", "partition": 3, "replication": 3},
        "not masked: a topic named password-reset-events",
    ),
    row(
        {"password-reset-events": {"partitions": 6}, "token-refresh.dlq": {"partitions": 3}},
        {"password-reset-events": {"partitions": 6}, "token-refresh.dlq": {"partitions": 3}},
        "not masked: topics as keys, named after secrets",
    ),
    row(
        {"name": "password-reset-events", "value": "retention.ms=86400000"},
        {"name": "password-reset-events", "value": "retention.ms=86400000"},
        "not masked: a {name, value} pair whose name only contains a secret word",
    ),
    row(
        {"sasl.enabled.mechanisms": "SCRAM-SHA-512", "security.protocol": "SASL_SSL"},
        {"sasl.enabled.mechanisms": "SCRAM-SHA-512", "security.protocol": "SASL_SSL"},
        "not masked: SASL mechanisms and the security protocol",
    ),
    row(
        {
            "password.encoder.secret": "enc-s3cret",
            "password.encoder.iterations": 4096,
            "password.encoder.key.length": 128,
        },
        {
            "password.encoder.secret": M,
            "password.encoder.iterations": 4096,
            "password.encoder.key.length": 128,
        },
        "kafka: password.encoder.secret masked, its iterations and key length shown",
    ),
    row(
        {"delegation.token.master.key": "m4ster", "delegation.token.expiry.time.ms": 86400000},
        {"delegation.token.master.key": M, "delegation.token.expiry.time.ms": 86400000},
        "kafka: delegation token master key masked, its expiry shown",
    ),
    # -- SASL ----------------------------------------------------------------------------
    row(
        {"listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": JAAS},
        {"listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": JAAS_MASKED},
        "sasl: the password inside a JAAS config, the login module and user shown",
    ),
    row(
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        "username='alice' password='al1ce';",
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        f"username='alice' password='{M}';",
        "sasl: single-quoted JAAS password in text",
    ),
    row(
        {"sasl_username": "svc-billing", "sasl_password": "s4sl"},
        {"sasl_username": "svc-billing", "sasl_password": M},
        "sasl: user shown, password masked",
    ),
    # -- SSL and PEM ---------------------------------------------------------------------
    row(
        f"new key:\n{PEM_KEY}\ndone",
        f"new key:\n-----BEGIN PRIVATE KEY-----{M}-----END PRIVATE KEY-----\ndone",
        "pem: a private key block in text",
    ),
    row(
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHzBJBgkqhkiG9w0BBQ0wPDAbBgkqhkiG9w0B",
        f"-----BEGIN ENCRYPTED PRIVATE KEY-----{M}",
        "pem: a block cut off before its END line is masked to the end",
    ),
    row(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----",
        f"-----BEGIN OPENSSH PRIVATE KEY-----{M}-----END OPENSSH PRIVATE KEY-----",
        "pem: an OpenSSH private key",
    ),
    row(
        {"ssl.truststore.certificates": PEM_CERT},
        {"ssl.truststore.certificates": PEM_CERT},
        "not masked: a certificate is public by design",
    ),
    # -- cloud keys ----------------------------------------------------------------------
    row(
        {"ak": AK, "sk": SK, "region": "cn-north-4"},
        {"ak": M, "sk": M, "region": "cn-north-4"},
        "cloud: Huawei ak/sk under their names",
    ),
    row(
        f"rotated AK {AK} and SK {SK} for the connector",
        f"rotated AK {M} and SK {M} for the connector",
        "cloud: AK- and SK-shaped strings in text",
    ),
    row(
        {"access_key_id": "AKIAIOSFODNN7EXAMPLE"},
        {"access_key_id": M},
        "cloud: an access key id is named harmlessly but has the AK shape",
    ),
    row(
        {"X-Security-Token": "gQ1jbi1ub3J0aC00hKvOqK3d", "project_id": "0a1b2c3d4e5f"},
        {"X-Security-Token": M, "project_id": "0a1b2c3d4e5f"},
        "cloud: an STS security token header",
    ),
    row(
        "DefaultEndpointsProtocol=https;AccountName=orders;AccountKey=Zm9vYmFy+/==;"
        "EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=orders;"
        f"AccountKey={M};EndpointSuffix=core.windows.net",
        "cloud: a connection string's account key, the account name shown",
    ),
    row(
        "commit 3f786850e387550fdab836ed7e6dc881de23001b, offset 12345678901234567890",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b, offset 12345678901234567890",
        "not masked: a hex digest and a 20-digit number are not keys",
    ),
    # -- URLs ----------------------------------------------------------------------------
    row(
        {"sink_url": "https://svc:p@ss@sink.example.com/ingest"},
        {"sink_url": f"https://svc:{M}@sink.example.com/ingest"},
        "url: userinfo password up to the last @ of the authority",
    ),
    row(
        "jdbc:postgresql://app:hunter2@db.internal:5432/orders?sslmode=require",
        f"jdbc:postgresql://app:{M}@db.internal:5432/orders?sslmode=require",
        "url: a JDBC URL's password",
    ),
    row(
        "https://api.example.com/v1/pull?access_token=abc123&page=2",
        f"https://api.example.com/v1/pull?access_token={M}&page=2",
        "url: a token in the query string, other parameters shown",
    ),
    row(
        "https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX",
        f"https://hooks.slack.com/services/{M}",
        "url: a Slack incoming webhook",
    ),
    row(
        "Sending a request - url: https://hooks.slack.com/commands/T0001/4071234567890/"
        "aBcDeFgHiJkLmNoPqRsTuVwX, body: {}",
        f"Sending a request - url: https://hooks.slack.com/commands/{M}, body: {{}}",
        "url: a slash command's response_url, as slack_sdk logs it",
    ),
    row(
        {"response_url": "https://hooks.slack.com/actions/T0001/4071234567891/ZyXwVuTsRqPo"},
        {"response_url": f"https://hooks.slack.com/actions/{M}"},
        "url: a button press's response_url",
    ),
    row(
        "https://hooks.slack.com/triggers/T0001/4071234567892/0a1b2c3d4e5f6a7b8c9d",
        f"https://hooks.slack.com/triggers/{M}",
        "url: a workflow's webhook trigger",
    ),
    row(
        "ssh://deploy@git.example.com/orders.git",
        "ssh://deploy@git.example.com/orders.git",
        "not masked: a URL with a user and no password",
    ),
    # -- tokens typed and pasted ---------------------------------------------------------
    row(
        "prod-orders last 1h xoxb-7101234567-7102345678-abcDEF",
        f"prod-orders last 1h xoxb-{M}",
        "token: a Slack bot token keeps its kind",
    ),
    row(
        f"Authorization: Bearer {JWT}",
        f"Authorization: Bearer {M}",
        "token: an Authorization header keeps its scheme",
    ),
    row(f"the JWT was {JWT}", f"the JWT was {M}", "token: a bare JWT"),
    row("token abc123def456", f"token {M}", "token: `token <value>` as typed"),
    row("password hunter2", f"password {M}", "token: `password <value>` as typed"),
    row("Bearer 9f8e7d6c5b4a", f"Bearer {M}", "token: `Bearer <value>` as typed"),
    row('password "correct horse"', f'password "{M}"', "token: a quoted value after a space"),
    row("token expired, password reset", "token expired, password reset", "not masked: prose"),
    row(
        "git clone with ghp_0123456789abcdefghijABCDEFGHIJ0123",
        f"git clone with {M}",
        "token: a GitHub personal access token",
    ),
    # -- key=value text ------------------------------------------------------------------
    row(
        "user=alice,password=hunter2,topic=orders",
        f"user=alice,password={M},topic=orders",
        "text: key=value pairs",
    ),
    row(
        "ssl.key.password: hunter2\nssl.keystore.location: /etc/kafka/ks.jks",
        f"ssl.key.password: {M}\nssl.keystore.location: /etc/kafka/ks.jks",
        "text: YAML-like lines",
    ),
    row("export DB_PASSWORD=hunter2", f"export DB_PASSWORD={M}", "text: an env assignment"),
    row(
        "kafka-configs --password hunter2 --entity-name orders",
        f"kafka-configs --password {M} --entity-name orders",
        "text: a command-line flag",
    ),
    row("新密码：hunter2", f"新密码：{M}", "text: a Chinese key with a full-width colon"),
    row(
        f"user=alice password={M}",
        f"user=alice password={M}",
        "text: masking masked text changes nothing",
    ),
    # -- nested and escaped JSON ---------------------------------------------------------
    row(
        {"connector": '{"connection.password": "pw1", "connection.user": "app"}'},
        {"connector": f'{{"connection.password": "{M}", "connection.user": "app"}}'},
        "json: JSON inside a JSON string",
    ),
    row(
        'payload={\\"secret\\":\\"s3\\",\\"topic\\":\\"orders\\"}',
        f'payload={{\\"secret\\":\\"{M}\\",\\"topic\\":\\"orders\\"}}',
        "json: escaped JSON in text",
    ),
    row(
        '{\\"password\\":\\"a\\\\\\"b\\",\\"user\\":\\"u\\"}',
        f'{{\\"password\\":\\"{M}\\",\\"user\\":\\"u\\"}}',
        "json: an escaped quote inside an escaped JSON value",
    ),
    row(
        json.dumps(json.dumps({"password": "pw2", "user": "u"})),
        json.dumps(
            json.dumps({"password": M, "user": "u"}, ensure_ascii=False), ensure_ascii=False
        ),
        "json: a document encoded twice",
    ),
    row(
        {"a": {"b": [{"c": {"api_key": "k1", "d": [1, 2]}}]}},
        {"a": {"b": [{"c": {"api_key": M, "d": [1, 2]}}]}},
        "json: a secret deep in objects and lists",
    ),
    row(
        {"credentials": {"username": "u", "password": "p"}},
        {"credentials": M},
        "json: an object under a secret name is masked whole",
    ),
    row(
        '{"password": "pw3", "note": broken',
        f'{{"password": "{M}", "note": broken',
        "json: broken JSON is still masked as text",
    ),
    row(
        {"password": "", "token": None, "new_password": 123456},
        {"password": "", "token": None, "new_password": M},
        "json: empty values stay empty, a numeric password is masked",
    ),
    # -- key names: camel, snake, kebab, and words that only look secret ----------------
    row(
        {"encryptionKey": "k", "keyStoreType": "JKS", "client_secret": "c", "x-api-key": "x"},
        {"encryptionKey": M, "keyStoreType": "JKS", "client_secret": M, "x-api-key": M},
        "names: camelCase, snake_case and kebab-case",
    ),
    row(
        {"tokenizer": "standard", "authors": ["li.wei"], "passwordless": True, "private": True},
        {"tokenizer": "standard", "authors": ["li.wei"], "passwordless": True, "private": True},
        "not masked: tokenizer, authors, passwordless, private",
    ),
    row(
        {"public_key": "ssh-ed25519 AAAAC3Nza", "routing_key": "orders", "key": "user-42"},
        {"public_key": "ssh-ed25519 AAAAC3Nza", "routing_key": "orders", "key": "user-42"},
        "not masked: a public key, a routing key, a message key",
    ),
    row(
        {"token_endpoint_url": "https://iam.example/token", "password_policy": "strong"},
        {"token_endpoint_url": "https://iam.example/token", "password_policy": "strong"},
        "not masked: names that describe a secret rather than hold it",
    ),
]


@pytest.mark.parametrize(("value", "expected"), SHAPES)
def test_shape(value: Any, expected: Any) -> None:
    assert redact(value) == expected


def test_the_table_covers_enough_shapes_both_masked_and_not() -> None:
    kept = [p for p in SHAPES if p.values[0] == p.values[1]]
    assert len(SHAPES) >= 40
    assert len(kept) >= 12
    assert len(SHAPES) - len(kept) >= 28


@pytest.mark.parametrize(("value", "expected"), SHAPES)
def test_masking_twice_changes_nothing(value: Any, expected: Any) -> None:
    assert redact(redact(value)) == expected


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("ssl.key.password", True),
        ("ssl.keystore.key", True),
        ("encryptionKey", True),
        ("APIKey", True),
        ("sslpassword", True),
        ("SASL_PASSWORD", True),
        ("password2", True),
        ("password_confirmation", True),
        ("refresh_token", True),
        ("ak", True),
        ("basic_auth", True),
        ("password-reset-events", False),
        ("key.serializer", False),
        ("key", False),
        ("tokenizer", False),
        ("authors", False),
        ("bypass", False),
        ("disk", False),
        ("ssl.keystore.location", False),
        ("sasl.jaas.config", False),
        ("auth_type", False),
        ("secret_name", False),
    ],
)
def test_key_names(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_prose_that_names_a_secret_without_a_value_is_flagged() -> None:
    assert mentions_secret("reset password to hunter2")
    assert not mentions_secret("user=alice password=hunter2")
    assert not mentions_secret("created topic password-reset-events")


def test_nesting_past_the_limit_is_masked_whole_not_followed() -> None:
    deep: Any = {"password": "pw"}
    for _ in range(MAX_DEPTH + 5):
        deep = {"next": deep}
    shown = json.dumps(redact(deep), ensure_ascii=False)
    assert "pw" not in shown
    assert M in shown
    # JSON in a string is read within the same bounds (bot.core.bounded_json), however
    # deep: to the limit, the rest masked whole as above, and never a crash.
    nested = redact("[" * 100_000 + "]" * 100_000)
    assert nested == "[" * MAX_DEPTH + json.dumps(M, ensure_ascii=False) + "]" * MAX_DEPTH


def test_json_in_a_string_too_large_to_read_is_still_masked_as_text() -> None:
    big = json.dumps({"password": "pw4", "padding": "x" * PARAMS.max_chars})
    masked = redact({"params": big})["params"]
    assert "pw4" not in masked
    assert f'"password": "{M}"' in masked


HOSTILE = {
    "one long word": "a" * 100_000,
    "capitals then one small": "A" * 100_000 + "a",
    "keys without values": "password=" * 12_000,
    "unclosed quotes": 'password="' * 10_000,
    "quotes": '"' * 100_000,
    "escaped quotes": '\\"' * 50_000,
    "escaped keys": "password=\\" * 10_000,
    "PEM openings": "-----BEGIN PRIVATE KEY-----" * 4_000,
    "schemes": "a://" * 25_000,
    "userinfo without @": "a://" + "x" * 100_000 + ":" + "y" * 100,
    "colons": "x:" * 50_000 + "@",
    "deep JSON": "[" * 50_000 + "]" * 50_000,
    "JSON string of escapes": '"' + '\\"' * 50_000 + '"',
    "spoken words": "token token " * 8_000,
    "long keys": ("k" * 127 + "=") * 700,
    "spaces before a value": "password" + " " * 100_000 + "x",
    "near-AKs": ("A" * 19 + " ") * 5_000,
    "near-JWT": "eyJ" + "a" * 100_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
# A hang guard, not a speed target: linear patterns take tens of milliseconds here; a
# backtracking one takes minutes.
@pytest.mark.timeout(30)
def test_hostile_input_of_100_kb_is_masked_quickly(text: str) -> None:
    redact({"params": text, text[:1000]: text})
    redact_text(text)


# -- every door -----------------------------------------------------------------------


def test_the_audit_line_masks_what_people_paste() -> None:
    event = AuditEvent(
        kind="slash",
        user="U1",
        channel="C1",
        what=f"prod-orders last 1h token abc123def456 sk {SK} {JWT}",
        result="ok",
        detail="refused: password='hunter2' from https://u:pw9@h.example",
    )
    line = event.line(datetime(2026, 11, 27, tzinfo=UTC))
    for secret in ("abc123def456", SK, JWT, "hunter2", "pw9"):
        assert secret not in line
    record = json.loads(line)
    assert record["what"] == f"prod-orders last 1h token {M} sk {M} {M}"
    assert record["detail"] == f"refused: password='{M}' from https://u:{M}@h.example"


def test_the_audit_line_masks_a_secret_that_straddles_the_clip() -> None:
    what = "x" * 280 + f" sk={SK}"
    record = json.loads(AuditEvent("dm", "U1", "D1", what, "ok").line(datetime.now(UTC)))
    assert SK[:10] not in record["what"]


@pytest.fixture
def masked_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("kafka_tasks.test_redact")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def test_a_log_record_with_secrets_in_its_args_comes_out_masked(
    masked_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = masked_log
    logger.info(
        "response %s for %r",
        '{"user_name": "root", "password": "hunter2"}',
        {"Authorization": f"Bearer {JWT}", "status": 200},
    )
    try:
        raise RuntimeError(f"cannot connect to postgresql://kt:pw9@db/kt with ak={AK}")
    except RuntimeError:
        logger.exception("store failed")
    written = stream.getvalue()
    for secret in ("hunter2", JWT, "pw9", AK):
        assert secret not in written
    assert f'"password": "{M}"' in written
    assert f"Bearer {M}" in written
    assert "RuntimeError: cannot connect to postgresql://kt:" in written


@contextmanager
def process_logging(stream: io.StringIO) -> Iterator[None]:
    """The process's log setup writing to ``stream``; the root logger's handlers and
    level (basicConfig sets it) are as they were afterwards, for the tests that follow."""
    root = logging.getLogger()
    saved, saved_level, root.handlers = root.handlers, root.level, []
    try:
        configure_logging(logging.INFO, stream)
        yield
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers = saved
        root.setLevel(saved_level)


def test_the_process_log_setup_masks_every_line() -> None:
    stream = io.StringIO()
    with process_logging(stream):
        # A logger no other test configures: its level comes from the setup under test.
        logging.getLogger("test_redact.a_library").info("GET %s", "https://u:hunter2@h/v2")
    assert f"test_redact.a_library: GET https://u:{M}@h/v2" in stream.getvalue()
    assert "hunter2" not in stream.getvalue()


def test_the_audit_file_is_masked_too(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    with audit_file(str(path)):
        AuditLog().record(AuditEvent("shell", None, None, "prod-orders", "ok"))
        logging.getLogger(AUDIT_LOGGER).info("stray line with token=%s", "abc123def456")
    written = path.read_text(encoding="utf-8")
    assert '"what": "prod-orders"' in written
    assert "abc123def456" not in written


# What people type that ends in an open quote: masked once, the quote is inside a JSON
# string; masked again as a whole line, it opened a "secret" running to the line's end.
OPEN_QUOTES = ['prod-orders password="', "prod-orders token: 'x", "prod-orders secret='"]


@pytest.mark.parametrize("what", OPEN_QUOTES)
def test_an_audit_line_in_the_audit_file_stays_json(tmp_path: Path, what: str) -> None:
    path = tmp_path / "audit.log"
    with audit_file(str(path)):
        AuditLog().record(AuditEvent("slash", "U1", "C1", what, "ok", detail=what))
    [line] = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["what"] == record["detail"] == redact_text(what)
    assert record["result"] == "ok"
    assert "x" not in record["what"].removeprefix("prod-orders")


@pytest.mark.parametrize("what", OPEN_QUOTES)
def test_an_audit_line_in_the_process_log_stays_json(what: str) -> None:
    stream = io.StringIO()
    with process_logging(stream):
        AuditLog().record(AuditEvent("mention", "U1", "C1", what, "ok"))
    [line] = [x for x in stream.getvalue().splitlines() if f" {AUDIT_LOGGER}: " in x]
    record = json.loads(line.split(f" {AUDIT_LOGGER}: ", 1)[1])
    assert record["what"] == redact_text(what)
    assert record["channel"] == "C1"
