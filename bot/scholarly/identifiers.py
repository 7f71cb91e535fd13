"""The forms identifiers take in Crossref's and OpenAlex's answers, reduced to the one form the bot keeps.

Pure and forgiving: a value that is not recognisably an identifier gives None rather than an error, since
these read remote answers (the checks of what a *member* types stay in the feature that reads it).
"""

from __future__ import annotations

import re

from bot.doi import bare_doi

__all__ = ["bare_doi", "bare_orcid", "country_code", "short_openalex_id"]

_ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_OPENALEX_PREFIX = re.compile(r"^(?:https?://)?(?:api\.)?openalex\.org/(?:(?:works|authors)/)?", re.IGNORECASE)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def bare_orcid(value: str | None) -> str | None:
    """`https://orcid.org/0000-0002-1825-0097` (or without hyphens, or a lower-case x) -> `0000-0002-1825-0097`."""
    if not value:
        return None
    text = _ORCID_PREFIX.sub("", value.strip()).strip("/").upper()
    match = _ORCID.match(text)
    return "-".join(match.groups()) if match else None


def short_openalex_id(value: str | None) -> str | None:
    """`https://openalex.org/W2741809807` -> `W2741809807`."""
    if not value:
        return None
    text = _OPENALEX_PREFIX.sub("", value.strip()).strip("/")
    return text.upper() or None


def country_code(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code upper-cased, or None."""
    if not value:
        return None
    text = value.strip().upper()
    return text if _COUNTRY.match(text) else None
