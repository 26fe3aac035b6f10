"""Errors said in the asker's language: ``describe_error(exc, lang)``.

Every error of the bot says itself in each language (``text(lang)``): DMS's failures
and the lookups (``bot.core.dms.errors``) and the grammar's refusals carry a catalog
key and its parameters, and are said from ``bot.i18n``. English is each exception's
own ``str()``, word for word, so logs, the CLI and the audit log read as before.
"""

from __future__ import annotations

from bot.i18n import Lang, Sayable


def describe_error(exc: BaseException, lang: Lang) -> str:
    """What went wrong and what to do, in ``lang``: one line for ``error_message``.

    Any exception that does not say itself in a language is its ``str()``.
    """
    if lang != "en" and isinstance(exc, Sayable):
        said = exc.text(lang)
        if isinstance(said, str):
            return said
    return str(exc)
