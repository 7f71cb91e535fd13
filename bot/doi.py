"""The one normal form of a DOI, for every feature that reads one: bare and lower-cased (`10.1234/abc`).

`bare_doi` accepts a DOI bare, as `doi:10.…`, or as a doi.org / dx.doi.org link (percent-escapes decoded,
trailing punctuation dropped) and gives None for anything that is not a DOI. What a feature does with a
refusal is its own: `/club output` tells the member (`bot.tracking.values.normalize_doi`), the feed engine
also reads arXiv forms (`bot.digests.feeds.doi`), the scholarly clients skip it (`bot.scholarly.identifiers`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/|^doi:\s*", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
MAX_LENGTH = 255


def bare_doi(value: str | None) -> str | None:
    """`https://doi.org/10.1234/ABC` -> `10.1234/abc`; None when `value` holds no DOI."""
    if not value:
        return None
    text = unquote(_PREFIX.sub("", value.strip())).strip().rstrip(".,;").lower()
    return text if _DOI.match(text) and len(text) <= MAX_LENGTH else None
