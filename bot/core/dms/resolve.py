"""Picks the one instance a user meant from a listing: by id, exact name, or unique part.

One rule for one account (``DmsClient``) and for several (``Fleet``): the listing is
all that differs. Instances tagged with an account are offered as ``name@account``,
so the same name in two accounts reads as two choices, not as one name twice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from bot.core.dms.errors import AmbiguousInstance, UnknownInstance
from bot.core.dms.models import Instance
from bot.core.dms.place import Where

_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def looks_like_id(text: str) -> bool:
    """DMS instance ids are UUIDs; names cannot be (they start with a letter)."""
    return bool(_UUID.match(text))


def pick_instance(wanted: str, instances: Sequence[Instance], *, where: Where) -> Instance:
    """The instance ``wanted`` names: an id, then an exact name (case first, then any
    case), then a unique partial name.

    An id not in the listing is passed through as ``Instance(id, id)``: the listing may
    not show every instance the key may read, so the task call decides. Raises
    ``AmbiguousInstance`` (candidates as (label, id)) or ``UnknownInstance`` naming
    ``where`` and the close matches.
    """
    wanted = wanted.strip()
    for inst in instances:
        if inst.instance_id == wanted:
            return inst
    if looks_like_id(wanted):
        return Instance(instance_id=wanted, name=wanted)
    exact = [i for i in instances if i.name == wanted] or [
        i for i in instances if i.name.lower() == wanted.lower()
    ]
    if len(exact) == 1:
        return exact[0]
    fuzzy = exact or [i for i in instances if wanted.lower() in i.name.lower()]
    if len(fuzzy) == 1:
        return fuzzy[0]
    if fuzzy:
        raise AmbiguousInstance(wanted, [(i.label, i.instance_id) for i in fuzzy])
    raise UnknownInstance(wanted, where, close_matches(wanted, instances))


def close_matches(wanted: str, instances: Sequence[Instance]) -> list[str]:
    """Up to three names like ``wanted``, each as every account's label that has it."""
    labels: dict[str, list[str]] = {}
    for inst in instances:
        labels.setdefault(inst.name, []).append(inst.label)
    close = difflib.get_close_matches(wanted, list(labels), n=3, cutoff=0.5)
    return [label for name in close for label in labels[name]]
