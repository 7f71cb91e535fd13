"""Consent before print, as pure rules: what of a person the casebook may print in each language.

- **agree**: their name and their words.
- **anonymise**: their words, attributed to "a researcher from <country>", never their name.
- **decline**, and **no answer** (asked, not answered; or never reachable in Slack): neither name nor words. The
  chapter says how many declined and how many did not answer, without naming them.
"""

from __future__ import annotations

from bot.casebook.types import Chapter, Consent, Person
from bot.domain import Language
from bot.i18n import t
from bot.reports.text import country


def real_name(person: Person, lang: Language | str) -> str:
    first, second = (person.name_ko, person.name_en) if str(lang) == "ko" else (person.name_en, person.name_ko)
    return first or second or "—"


def anonymous(person: Person, lang: Language | str) -> str:
    if person.country:
        return t(lang, "cases.doc.anonymous", country=country(person.country, lang))
    return t(lang, "cases.doc.anonymous_nowhere")


def shown_name(person: Person, lang: Language | str) -> str | None:
    """How the person is named in print, or None when nothing of them may be printed."""
    if person.consent is Consent.AGREE:
        return real_name(person, lang)
    if person.consent is Consent.ANONYMISE:
        return anonymous(person, lang)
    return None


def words_printable(author: Person | None) -> bool:
    """Whether words may be printed: the record's own (no author), or an author who agreed or asked for anonymity."""
    return author is None or author.consent in (Consent.AGREE, Consent.ANONYMISE)


def withheld(chapter: Chapter) -> tuple[int, int]:
    """(declined, did not answer) among the chapter's people."""
    declined = sum(1 for p in chapter.people if p.consent is Consent.DECLINE)
    silent = sum(1 for p in chapter.people if p.consent is Consent.PENDING)
    return declined, silent
