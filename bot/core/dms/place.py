"""Where instances are looked for, as answers and errors name it, in each language.

"No Kafka instance named X in <place>" and "instance `id` in <place>" are read in the
asker's language, so the place is kept as its parts (region, project, account names)
and worded only when shown: a Chinese answer must not carry "the demo simulator".
Regions, endpoints, project ids and account names are names, shown as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from bot.i18n import Lang, t

__all__ = ["Place", "Where", "place_text"]


@dataclass(frozen=True)
class Place:
    region: str = ""  # the region, else the endpoint
    project: str = ""
    demo: bool = False  # the built-in simulator of demo mode
    # Several accounts of the config file: each one's name and place.
    accounts: tuple[tuple[str, Where], ...] = ()

    def text(self, lang: Lang) -> str:
        if self.accounts:
            if len(self.accounts) == 1:
                name, place = self.accounts[0]
                return t(lang, "place.account", name=name, place=place_text(place, lang))
            listed = t(lang, "sep.list").join(
                t(lang, "place.account_entry", name=name, place=place_text(place, lang))
                for name, place in self.accounts
            )
            return t(lang, "place.accounts", accounts=listed)
        if self.demo:
            return t(lang, "place.demo")
        if self.region:
            return t(lang, "place.region_project", region=self.region, project=self.project)
        return t(lang, "place.project", project=self.project)

    def __str__(self) -> str:
        return self.text("en")


# A plain string is a name to show as it is, in any language (tests, a caller's label).
Where: TypeAlias = Place | str


def place_text(where: Where, lang: Lang) -> str:
    return where if isinstance(where, str) else where.text(lang)
