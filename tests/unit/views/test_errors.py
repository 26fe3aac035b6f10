"""bot.views.errors: any error said in the asker's language."""

from __future__ import annotations

from bot.i18n import Lang
from bot.views.errors import describe_error


def test_an_error_that_says_itself_in_each_language_is_asked() -> None:
    class Polite(ValueError):
        def text(self, lang: Lang) -> str:
            return "礼貌" if lang == "zh" else "polite"

    assert describe_error(Polite("x"), "zh") == "礼貌"
    assert describe_error(Polite("x"), "en") == "x"


def test_any_other_exception_is_its_text() -> None:
    assert describe_error(RuntimeError("odd"), "zh") == "odd"
