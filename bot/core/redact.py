"""What counts as a secret, and how it is masked: the one place every door asks.

Task params are written by DMS from what a user asked for (a reset password, an SASL
user's secret, keystore keys, JAAS configs); people paste tokens into commands; library
logs echo headers. Details in Slack and the terminal, notifications, the audit log and
the log all pass what they show through here, so a shape masked in one is masked in all.

Two judgements, both pinned row by row in tests/unit/core/test_redact.py:

- A *key name* names a secret when one of its words is a secret word (``password``,
  ``token``, ``secret``, ``credentials``; ``key`` only after a word like ``private``,
  ``ssl``, ``keystore`` or ``encryption``) and its last word does not merely describe
  something about the secret (``password-reset-events``, ``token.expiry.ms``,
  ``ssl.keystore.location``). Words come from dots, dashes, underscores and camelCase.
- *Free text* is masked where it holds a recognisable secret: ``key=value`` / ``key:
  value`` / ``key="value"`` (JAAS, YAML, env, query strings, JSON and escaped JSON
  inside text) whose key names a secret, ``scheme://user:pass@host``, PEM private key
  blocks, Slack tokens, JWTs, Huawei AK/SK-shaped strings, ``Bearer <token>`` and
  ``token <value>`` as people type them, Slack webhook and response_url paths.

Masked values stay recognisable (``MASK``) and key names stay visible, so a reader can
still tell *which* setting changed. Work is bounded: recursion stops at ``MAX_DEPTH``
(deeper values are masked whole, failing closed) and every pattern is linear (bounded
or possessive quantifiers), so hostile input cannot make a view or a log line slow.

Written here rather than taken from a library: the scanners we know of (detect-secrets,
trufflehog) find secrets in files to report them; none masks them in place inside
structured values while keeping the key names a chat reader needs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from bot.core import bounded_json

MASK = "••••••"
# Deeper than any real params (DMS nests three or four levels); a value past it is
# masked whole rather than looked into.
MAX_DEPTH = 32

# -- key names ----------------------------------------------------------------------

# ``APIKey`` is API + Key: the capitals give back one letter to a following word.
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]++|[0-9]++|[\u4e00-\u9fff]++")
# A word that on its own names a secret wherever it stands in a key.
_SECRET_WORDS = frozenset(
    {
        "password", "passwords", "passwd", "pwd", "pass", "passphrase", "passcode",
        "secret", "secrets", "token", "tokens", "credential", "credentials", "creds",
        "authorization", "auth", "cookie", "cookies", "signature", "sk", "ak",
    }
)  # fmt: skip
# Run-together names (``sslpassword``, ``clientsecret``, ``authtoken``) end with one of
# these; shorter words (``pass``, ``sk``) must stand alone, or ``bypass`` and ``disk``
# would be secrets.
_SECRET_ENDINGS = (
    "password", "passwd", "passphrase", "secret", "token", "credential", "credentials",
)  # fmt: skip
_SECRET_ENDINGS_ZH = ("密码", "口令", "密钥", "私钥", "令牌", "凭证", "凭据")
# ``key`` alone is a message key, a partition key or the name field of a config pair;
# after one of these it is key material.
_KEY_QUALIFIERS = frozenset(
    {
        "private", "secret", "access", "api", "encryption", "encrypt", "decryption",
        "decrypt", "signing", "sign", "master", "keystore", "ssl", "tls", "client",
        "hmac", "session", "shared", "app", "crypto", "aes", "rsa", "ssh", "pgp", "gpg",
        "auth", "sasl", "jwt", "account", "root", "data", "license", "storage",
    }
)  # fmt: skip
# A last word that says something *about* a secret (its type, lifetime, location, the
# topic named after it) rather than holding it.
_DESCRIBING = frozenset(
    {
        "type", "types", "mechanism", "mechanisms", "mode", "method", "methods",
        "enabled", "enable", "disabled", "disable", "required", "require", "policy",
        "policies", "length", "len", "size", "expiry", "expires", "expired",
        "expiration", "ttl", "age", "lifetime", "ms", "sec", "secs", "seconds",
        "minutes", "mins", "hours", "days", "time", "timeout", "at", "count", "min",
        "max", "minimum", "maximum", "algorithm", "algorithms", "location", "path",
        "file", "filename", "dir", "format", "id", "ids", "name", "names", "reset",
        "rotation", "rotated", "changed", "updated", "created", "url", "uri", "endpoint",
        "provider", "providers", "class", "callback", "handler", "strategy", "version",
        "hint", "event", "events", "topic", "topics", "group", "groups", "user",
        "username", "users", "iterations", "retries", "attempts", "interval", "status",
        "state", "level", "kind", "source", "field", "header", "param", "label",
        "description", "desc", "scope", "scopes", "audience", "issuer", "prefix",
        "configured", "present", "valid", "validity", "strength", "complexity",
        "history", "manager", "generator", "serializer", "deserializer", "dlq", "retry",
        "queue", "stream", "changelog",
    }
)  # fmt: skip


def _words(key: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(key)]


def _is_secret_word(words: list[str], i: int) -> bool:
    word = words[i]
    if word in _SECRET_WORDS or word.endswith(_SECRET_ENDINGS + _SECRET_ENDINGS_ZH):
        return True
    if word in ("key", "keys"):
        return i > 0 and words[i - 1] in _KEY_QUALIFIERS
    # ``apikey``, ``privatekey``, ``sslkey``: a qualifier run into ``key``.
    return word.endswith("key") and word[:-3] in _KEY_QUALIFIERS


def is_secret_key(key: str) -> bool:
    """Whether the value under ``key`` is a secret (see the module docstring)."""
    # Names repeat (every task of a kind has the same keys); a huge one is not kept.
    return _judged(key) if len(key) <= 256 else _judge(key)


@lru_cache(maxsize=4096)
def _judged(key: str) -> bool:
    return _judge(key)


def _judge(key: str) -> bool:
    words = _words(key)
    if not words:
        return False
    found = [i for i in range(len(words)) if _is_secret_word(words, i)]
    if not found:
        return False
    return found[-1] == len(words) - 1 or words[-1] not in _DESCRIBING


# -- free text ----------------------------------------------------------------------

# Ends at the matching END line, or at the end of the text when it was cut off.
_PEM = re.compile(
    r"(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)"
    r"(?:.*?(-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)|.*+)",
    re.DOTALL,
)
# The password of ``scheme://user:password@host``: up to the last ``@`` of the
# authority, since an unencoded ``@`` in a password is a common mistake.
_USERINFO = re.compile(
    r"(?<![A-Za-z0-9+.\-])((?:[A-Za-z][A-Za-z0-9+.\-]{0,30})?://[^\s:/?#@]{0,256}:)"
    r"([^\s/?#]{1,512})@"
)
# Shapes that are secrets wherever they stand. The Slack token keeps its kind
# (``xoxb-``) so a reader can tell a bot token from a user token.
_SHAPES = re.compile(
    r"(?P<slack>(?<![\w-])(?:xox[a-z]|xapp)-)[A-Za-z0-9-]{6,}+"
    r"|(?<![\w-])eyJ[\w-]{8,}+\.[\w-]{8,}+\.[\w-]*+"  # a JWT
    r"|(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{30,}+|github_pat_\w{30,}+|AIza[\w-]{35})"
    # Incoming webhooks, and the response_url of every slash command and button press
    # (slack_sdk logs each one it posts to): whoever has one can post with it.
    r"|(?P<webhook>hooks\.slack\.com/(?:services|commands|actions|triggers|workflows)/)"
    r"[A-Za-z0-9/]++"
    # A Huawei (or AWS) access key: 20 capitals and digits. Its 40-character secret key
    # is told from a hex digest (a commit id) by its mix of cases and digits.
    r"|(?P<ak>(?<![\w+/-])[A-Z0-9]{20}(?![\w+/=-]))"
    r"|(?P<sk>(?<![\w+/-])[A-Za-z0-9]{40}(?![\w+/=-]))"
)
# Where a key may stand: a word, not the middle of one; ``--password`` as a flag.
_KEY = re.compile(
    r"(?<![\w.\-])-{0,2}+([A-Za-z\u4e00-\u9fff][\w.\-]{0,127}+)(\\?[\"'])?+([ \t]*+)"
    r"(=>?|:(?![/:])|：)?+[ \t]*+"
)
_VALUE = re.compile(
    # ``Authorization: Bearer <token>``: the scheme stays readable.
    r"(?:(?i:bearer|basic|token|digest)[ \t]++)?"
    r"(?:"
    # Quoted inside escaped JSON (``\\"password\\":\\"x\\"``): the text of a JSON string
    # encoded once more, so a backslash pair stands for one character of the inner text.
    r'(?P<eq>\\")(?P<eqv>(?:\\\\(?:\\.|[^\\])|\\[^\\"]|[^\\"\n])*+)(?:\\"|(?=\n)|$)'
    r"|(?P<dq>\")(?P<dqv>(?:[^\"\\\n]|\\.)*+)(?:\"|(?=\n)|$)"
    r"|(?P<sq>')(?P<sqv>[^'\n]*+)(?:'|(?=\n)|$)"
    r"|(?P<bare>[^\s,;&\"'<>{}\[\]()]++)"
    r")"
)
_SCHEME = re.compile(r"(?i:bearer|basic|token|digest)[ \t]++(?=\S)")
# Words after which a space is enough: ``token abc123``, ``password hunter2``,
# ``Bearer eyJ...`` as people type them (``password reset`` is not a secret).
_SPOKEN = frozenset(
    {"token", "bearer", "password", "passwd", "pwd", "secret", "apikey", "sk", "密码", "令牌"}
)


def _looks_secret(value: str) -> bool:
    """A word typed after ``token`` or ``password`` is a secret, not more prose, when it
    holds a digit or a symbol, or is long: ``token abc123`` but not ``token expired``."""
    return len(value) >= 12 or not value.isalpha()


def _mask_shape(match: re.Match[str]) -> str:
    if match["slack"]:
        return match["slack"] + MASK
    if match["webhook"]:
        return match["webhook"] + MASK
    if match["sk"]:
        sk = match["sk"]
        mixed = any(c.isupper() for c in sk) and any(c.islower() for c in sk)
        return MASK if mixed and any(c.isdigit() for c in sk) else sk
    if match["ak"]:
        return MASK if any(c.isalpha() for c in match["ak"]) else match["ak"]
    return MASK


def _mask_pem(match: re.Match[str]) -> str:
    return match[1] + MASK + (match[2] or "")


def mask_url_userinfo(text: str, mask: str = MASK) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` masked."""
    return _USERINFO.sub(lambda m: f"{m[1]}{mask}@", text)


def _scan(text: str) -> tuple[str, bool]:
    """``text`` masked, and whether it still names a secret that no value could be paired
    with (``reset password to hunter2``: we cannot tell which word is the secret)."""
    text = _PEM.sub(_mask_pem, text)
    text = mask_url_userinfo(text)
    text = _SHAPES.sub(_mask_shape, text)
    out: list[str] = []
    unpaired = False
    pos = done = 0
    while (key := _KEY.search(text, pos)) is not None:
        pos = key.end()
        name, quote, space, sep = key[1], key[2], key[3], key[4]
        said, secret = name.lower() in _SPOKEN, is_secret_key(name)
        if not (said or secret):
            continue
        value = _VALUE.match(text, pos)
        spoken = said and bool(space) and not (sep or quote)
        # After a bare word, only a quoted value or one shaped like a secret is taken.
        taken = value is not None and (
            bool(sep) or (spoken and (value["bare"] is None or _looks_secret(value["bare"])))
        )
        if value is None or not taken:
            unpaired = unpaired or secret
            continue
        if value["bare"] is not None:
            group = "bare"
        else:
            group = "eqv" if value["eq"] else "dqv" if value["dq"] else "sqv"
            if not value[group]:  # an empty string hides nothing
                pos = value.end()
                continue
        start, end = value.span(group)
        if group != "bare" and (scheme := _SCHEME.match(text, start, end)):
            start = scheme.end()  # "Bearer ..." quoted: the scheme stays readable too
        out += [text[done:start], MASK]
        done, pos = end, value.end()
    out.append(text[done:])
    return "".join(out), unpaired


def redact_text(text: str) -> str:
    """``text`` with every secret it recognisably holds masked (see the module docstring).

    Idempotent: masking masked text changes nothing.
    """
    return _scan(text)[0]


def mentions_secret(text: str) -> bool:
    """Whether ``text``, once masked, still names a secret without a value we could mask:
    prose like ``reset password to hunter2``. For places read by many (a channel
    notification) that would rather not show such text at all."""
    return _scan(text)[1]


# -- structured values --------------------------------------------------------------

# ``[{"name": "ssl.key.password", "value": "..."}]``: the value is secret because of the
# name beside it. Only these field names, so that ``{"topic_name": "password"}`` is not.
_PAIR_NAMES = frozenset(
    {
        "name", "key", "configname", "configkey", "paramname", "parametername",
        "property", "propertyname", "setting", "settingname", "optionname", "varname",
    }
)  # fmt: skip


def _joined(key: str) -> str:
    return "".join(_words(key))


def _pair_is_secret(value: dict[Any, Any]) -> bool:
    return any(
        isinstance(k, str) and _joined(k) in _PAIR_NAMES and isinstance(v, str)
        and is_secret_key(v)
        for k, v in value.items()
    )  # fmt: skip


def _is_value_field(key: str) -> bool:
    words = _words(key)
    return bool(words) and words[-1] in ("value", "values", "val")


def _empty(value: Any) -> bool:
    return value is None or value == ""


def redact(value: Any) -> Any:
    """A copy of ``value`` (parsed JSON: dicts, lists, strings, numbers) with its secrets
    masked: values under secret key names, values of ``{name, value}`` pairs whose name
    is secret, JSON (or escaped JSON) inside strings, and secrets in free text."""
    return _redact(value, 0)


def _redact(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return MASK
    if isinstance(value, dict):
        pair = _pair_is_secret(value)
        out: dict[Any, Any] = {}
        for key, item in value.items():
            name = str(key)
            if not _empty(item) and (is_secret_key(name) or (pair and _is_value_field(name))):
                out[key] = MASK
            else:
                out[redact_text(key) if isinstance(key, str) else key] = _redact(item, depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_redact(item, depth + 1) for item in value]
    if isinstance(value, str):
        return _redact_string(value, depth)
    return value


def _redact_string(text: str, depth: int) -> str:
    inner = _embedded_json(text)
    if inner is None:
        return redact_text(text)
    masked = _redact(inner, depth + 1)
    if masked == inner:
        return text
    # Re-encoded only when something was masked; formatting may differ from the input.
    # An Unreadable left in (only if PARAMS were deeper than MAX_DEPTH) says what it is.
    return json.dumps(masked, ensure_ascii=False, default=str)


def _embedded_json(text: str) -> Any:
    """The object, list or string that ``text`` encodes as JSON, if it is one: params
    often carry a JSON document in a string field, sometimes encoded twice."""
    stripped = text.strip()
    if not stripped or (stripped[0], stripped[-1]) not in (("{", "}"), ("[", "]"), ('"', '"')):
        return None
    try:
        # Bounded as every JSON from outside is: a part nested past PARAMS' depth comes
        # back as an Unreadable, which _redact masks (it lies past MAX_DEPTH).
        inner = bounded_json.loads(stripped, bounded_json.PARAMS)
    except ValueError:  # not JSON, or too large to read: masked as text
        return None
    return inner if isinstance(inner, dict | list | str) else None
