"""Which button on screen a typed line presses: the shell's buttons are pressed by name.

One mapping from words to buttons, built from the buttons actually shown (``buttons``
in ``bot.views.console``): a button answers to its label as shown, to its label in
either language (``button.*`` in ``bot.i18n``, whatever language the shell speaks), to
the short forms people type (``prev``, ``back``), and to any start of those of at least
two characters; in any case, without the arrows and brackets. Buttons that share a name
are numbered on screen ("Details 1" ... "Details 10", ``Button.number``): ``details 2``
presses one, ``details`` alone asks which.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.core import actions
from bot.i18n import LANGS, t
from bot.views.console import Button

# The label each kind of button has, and what people type for it (bot.core.actions).
_LABEL_KEYS: Mapping[str, str] = actions.LABEL_KEYS
_SHORT_FORMS: Mapping[str, tuple[str, ...]] = actions.TYPED_WORDS
# A start of a label shorter than this is more likely a typo or an instance than a button.
_MIN_PREFIX = 2
# The most digits read as a button's number ("details 10"); more are no button's.
_MAX_DIGITS = 3
_NOT_WORD = re.compile(r"[\W_]+")
_ENDS = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Press:
    """The typed line presses this button."""

    button: Button


@dataclass(frozen=True)
class Ambiguous:
    """Several buttons answer to what was typed: it must say which (``buttons``)."""

    typed: str
    buttons: tuple[Button, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.buttons)


@dataclass(frozen=True)
class NotShown:
    """A button's name, but no such button is on screen now (``buttons``: those that are)."""

    typed: str
    buttons: tuple[Button, ...]

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.buttons)


Match = Press | Ambiguous | NotShown


def match_button(
    typed: str, shown: Sequence[Button], *, commands: Collection[str] = ()
) -> Match | None:
    """What ``typed`` does to the buttons ``shown``; None: it is not a button's name (it is
    a command, read by the grammar). ``commands``: words the grammar reads as a command
    (``subscribe``), which press a button that is shown but are otherwise commands."""
    key = label_key(typed)
    if not key:
        return None
    # A label as shown, else in another case or width, else without its punctuation:
    # of the picks "prod-orders" and "prod_orders", each presses its own.
    for same in (str.strip, _folded, label_key):
        whole = [b for b in shown if same(b.label) == same(typed)]
        if len(whole) == 1:
            return Press(whole[0])
        if whole:
            return Ambiguous(typed.strip(), tuple(whole))
    # The words as a name first: a name may end in a number of its own ("kafka 2").
    base, number = key, None
    found = _named(key, shown)
    if not found:
        base, number = _split_number(key)
        found = _named(base, shown) if number is not None else []
    if number is not None and found:
        numbered = [b for b in found if b.number == number]
        if len(numbered) == 1:
            return Press(numbered[0])
        if len(found) > 1:
            return Ambiguous(typed.strip(), tuple(found))
        # "next 2": the one Next button has no number; there is no such button.
        return NotShown(typed.strip(), tuple(shown))
    if len(found) == 1:
        return Press(found[0])
    if found:
        return Ambiguous(typed.strip(), tuple(found))
    reserved = {label_key(c) for c in commands}
    if base not in reserved and any(base in _kind_words(action) for action in _LABEL_KEYS):
        return NotShown(typed.strip(), tuple(shown))
    return None


def listed(buttons: Sequence[Button]) -> str:
    """Buttons as the screen shows them, for a message that lists them; a run of numbered
    ones by its ends: "[Details 1] … [Details 10] [Refresh]"."""
    shown: list[str] = []
    run: list[Button] = []
    for button in buttons:
        if run and button.number is not None and button.name == run[-1].name:
            run.append(button)
            continue
        shown += _run_shown(run)
        run = [button]
    return " ".join(shown + _run_shown(run))


def _run_shown(run: Sequence[Button]) -> list[str]:
    if len(run) > 2:
        return [f"[{run[0].label}]", "…", f"[{run[-1].label}]"]
    return [f"[{b.label}]" for b in run]


def label_key(text: str) -> str:
    """A label or typed line as compared: case folded, full-width folded, punctuation
    (‹ › [ ] and the like) dropped, spaces single."""
    return " ".join(_NOT_WORD.sub(" ", _folded(text)).split())


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def typable(label: str) -> str:
    """A label as it is typed: without the arrows around it ("‹ Previous" -> "Previous")."""
    return _ENDS.sub("", label) or label


def _split_number(key: str) -> tuple[str, int | None]:
    """Typed words and the number at their end, if any: "details 2" and "details2" are
    ("details", 2)."""
    base = key.rstrip("0123456789")
    digits = key[len(base) :]
    if not base.strip() or not 0 < len(digits) <= _MAX_DIGITS:
        return key, None
    return base.rstrip(), int(digits)


def _named(base: str, shown: Sequence[Button]) -> list[Button]:
    """The buttons ``base`` names in full, else those a name of which it starts."""
    exact = [b for b in shown if base in _names(b)]
    if exact or len(base) < _MIN_PREFIX:
        return exact
    return [b for b in shown if any(name.startswith(base) for name in _names(b))]


def _names(button: Button) -> set[str]:
    return {label_key(button.name), *_kind_words(button.action_id)}


def _kind_words(action_id: str) -> set[str]:
    words = {label_key(w) for w in _SHORT_FORMS.get(action_id, ())}
    key = _LABEL_KEYS.get(action_id)
    if key is not None:
        words.update(label_key(t(lang, key)) for lang in LANGS)
    return words
