"""Which button on screen a typed line presses: the shell's buttons are pressed by name.

One mapping from words to buttons, built from the buttons actually shown (``buttons``
in ``bot.views.console``): a button answers to its label as shown, to its label in
either language (``button.*`` in ``bot.i18n``, whatever language the shell speaks), to
the short forms people type (``prev``, ``back``), and to any start of those of at least
two characters; in any case, without the arrows and brackets. Repeated buttons are
numbered on screen ("Details 1" ... "Details 10"): ``details 2`` presses one, ``details``
alone asks which.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot import actions
from bot.i18n import LANGS, t
from bot.views.console import Button

# The label each kind of button has, and what people type for it (bot.actions).
_LABEL_KEYS: Mapping[str, str] = actions.LABEL_KEYS
_SHORT_FORMS: Mapping[str, tuple[str, ...]] = actions.TYPED_WORDS
# A start of a label shorter than this is more likely a typo or an instance than a button.
_MIN_PREFIX = 2
_NUMBERED = re.compile(r"(.*?[^\d\s])\s*([0-9]{1,3})")
_NOT_WORD = re.compile(r"[\W_]+")
_ENDS = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True)
class Press:
    """The typed line presses this button."""

    button: Button


@dataclass(frozen=True)
class Ambiguous:
    """Several buttons answer to what was typed: it must say which (``labels``)."""

    typed: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class NotShown:
    """A button's name, but no such button is on screen now (``shown``: those that are)."""

    typed: str
    shown: tuple[str, ...]


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
    whole = [b for b in shown if label_key(b.label) == key]
    if whole:
        return Press(whole[0])
    base, number = _split_number(key)
    found = _named(base, shown, exact=True) or _named(base, shown, exact=False)
    if number is not None and found:
        numbered = [b for b in found if _number_of(b, shown) == number]
        if len(numbered) == 1:
            return Press(numbered[0])
        return Ambiguous(typed.strip(), tuple(b.label for b in found))
    if len(found) == 1:
        return Press(found[0])
    if found:
        return Ambiguous(typed.strip(), tuple(b.label for b in found))
    reserved = {label_key(c) for c in commands}
    if base not in reserved and any(base in _kind_words(action) for action in _LABEL_KEYS):
        return NotShown(typed.strip(), tuple(b.label for b in shown))
    return None


def listed(labels: Sequence[str]) -> str:
    """Labels as the screen shows them, for a message that lists them; a run of numbered
    ones by its ends: "[Details 1] … [Details 10] [Refresh]"."""
    shown: list[str] = []
    run: list[str] = []
    for label in [*labels, ""]:
        if run and label and _stem(label) == _stem(run[-1]) and _stem(label) != label:
            run.append(label)
            continue
        shown += [f"[{run[0]}]", "…", f"[{run[-1]}]"] if len(run) > 2 else [f"[{r}]" for r in run]
        run = [label] if label else []
    return " ".join(shown)


def _stem(label: str) -> str:
    head, _, tail = label.rpartition(" ")
    return head if head and tail.isdigit() else label


def label_key(text: str) -> str:
    """A label or typed line as compared: case folded, full-width folded, punctuation
    (‹ › [ ] and the like) dropped, spaces single."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def typable(label: str) -> str:
    """A label as it is typed: without the arrows around it ("‹ Previous" -> "Previous")."""
    return _ENDS.sub("", label) or label


def _split_number(key: str) -> tuple[str, int | None]:
    numbered = _NUMBERED.fullmatch(key)
    if numbered is None:
        return key, None
    return numbered[1].strip(), int(numbered[2])


def _named(base: str, shown: Sequence[Button], *, exact: bool) -> list[Button]:
    if not exact and len(base) < _MIN_PREFIX:
        return []
    found = []
    for button in shown:
        names = _names(button, shown)
        if (base in names) if exact else any(name.startswith(base) for name in names):
            found.append(button)
    return found


def _names(button: Button, shown: Sequence[Button]) -> set[str]:
    names = {label_key(_unnumbered(button, shown))}
    names.update(_kind_words(button.action_id))
    return names


def _kind_words(action_id: str) -> set[str]:
    words = {label_key(w) for w in _SHORT_FORMS.get(action_id, ())}
    key = _LABEL_KEYS.get(action_id)
    if key is not None:
        words.update(label_key(t(lang, key)) for lang in LANGS)
    return words


def _unnumbered(button: Button, shown: Sequence[Button]) -> str:
    """The label without the number the screen added to tell repeated labels apart."""
    head, _, tail = button.label.rpartition(" ")
    if head and tail.isdigit() and _repeats(head, shown):
        return head
    return button.label


def _number_of(button: Button, shown: Sequence[Button]) -> int | None:
    head, _, tail = button.label.rpartition(" ")
    if head and tail.isdigit() and _repeats(head, shown):
        return int(tail)
    return None


def _repeats(head: str, shown: Iterable[Button]) -> bool:
    return sum(1 for b in shown if b.label.rpartition(" ")[0] == head) > 1
