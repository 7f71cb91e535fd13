"""A DOI is the identity of a scholarly item: read it wherever a feed puts it, in one normal form.

Where a DOI is found, in `entry_doi`'s order: `prism:doi` (feedparser's `prism_doi`), `dc:identifier`
(`dc_identifier`), the entry's id/guid, its link, then its other links. Each value may be

* a bare DOI or a labelled one: `10.1126/science.abc1234`, `doi:10…`, `DOI: 10…`, `info:doi/10…`;
* a resolver link: `https://doi.org/10…`, `dx.doi.org`, `hdl.handle.net`;
* a publisher page that embeds it: any `/doi/[abs|full|pdf|epdf|reader|epub|pdfdirect]/10…` path
  (science.org, pubs.acs.org, onlinelibrary.wiley.com, tandfonline.com, pnas.org…),
  `link.springer.com/article|chapter/10…`, `journals.aps.org/<journal>/abstract|pdf/10…`,
  `iopscience.iop.org/article/10…[/pdf|/meta]`, `nature.com/articles/<id>` (the DOI `10.1038/<id>`);
* an arXiv id (`arxiv.org/abs|pdf|html/2401.01234v2`, `oai:arXiv.org:2401.01234`, `arXiv:2401.01234`,
  old style `hep-th/9901001`), which becomes its DataCite DOI `10.48550/arxiv.<id>` without the version.

The normal form (`normalize_doi`) is lower-cased (DOIs are case-insensitive), percent-decoded, without
trailing punctuation (`.`, `,`, `;`, `:`, quotes, and an unbalanced closing bracket) or a query/fragment.
`doi_key(doi)` is the de-duplication key (`doi:<normal form>`); `doi_url(doi)` is the link to show.

`doi_url_key(doi)` is the value for the 64-character `url_key` columns: the SHA-256 of `canonical_url(doi)`,
which is what `bot.digests.feeds.normalize.normalize_url` already makes of a `doi.org` link
(`https://doi.org/<doi>`) or an arXiv link (`https://arxiv.org/abs/<id>`), so keys stored before stay equal.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.doi import bare_doi

_LABEL = re.compile(r"^(?:doi\s*:\s*|info:doi/|urn:doi:)", re.IGNORECASE)
_RESOLVERS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "hdl.handle.net"})
_DOI_PATH = re.compile(
    r"/doi/(?:(?:abs|full|pdf|epdf|pdfdirect|reader|epub|fulltext|figure|suppl)/)?(?P<doi>10\.\d{4,9}/.+)$",
    re.IGNORECASE,
)
_SPRINGER_PATH = re.compile(r"^/(?:article|chapter|content/pdf|book|referenceworkentry)/(?P<doi>10\.\d{4,9}/.+)$")
_APS_PATH = re.compile(r"^/[a-z]+/(?:abstract|pdf|supplemental|accepted)/(?P<doi>10\.\d{4,9}/.+)$")
_IOP_PATH = re.compile(r"^/article/(?P<doi>10\.\d{4,9}/.+?)(?:/(?:pdf|meta|fulltext|ampdf))?$")
_NATURE_PATH = re.compile(r"^/articles/(?P<id>[a-z0-9][a-z0-9.\-]+?)(?:\.pdf)?$", re.IGNORECASE)
_PUBLISHER_PATHS = {
    "link.springer.com": _SPRINGER_PATH,
    "journals.aps.org": _APS_PATH,
    "iopscience.iop.org": _IOP_PATH,
}
_ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org", "www.arxiv.org"})
_ARXIV_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_PATH = re.compile(rf"^/(?:abs|pdf|html|format)/{_ARXIV_ID}(?:\.pdf)?/?$", re.IGNORECASE)
_ARXIV_TEXT = re.compile(rf"^(?:oai:arxiv\.org:|arxiv:\s*){_ARXIV_ID}$", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)
_TRAILING = ".,;:'\"!?"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}
ARXIV_PREFIX = "10.48550/arxiv."


def _strip_trailing(doi: str) -> str:
    while doi:
        last = doi[-1]
        if last in _TRAILING:
            doi = doi[:-1]
        elif last in _PAIRS and doi.count(last) > doi.count(_PAIRS[last]):
            doi = doi[:-1]  # `(see 10.1/x)`: the bracket closes the sentence, not the DOI
        else:
            break
    return doi


def normalize_doi(doi: str) -> str | None:
    """The normal form of a bare DOI (`10.…/…`, `bot.doi.bare_doi`, arXiv DOIs canonical), or None when the text
    is not one."""
    text = unquote(doi.strip())
    text = re.split(r"[?#\s]", text, maxsplit=1)[0]
    bare = bare_doi(_strip_trailing(text))  # the bot's one normal form (`bot.doi`)
    if bare is None:
        return None
    text = bare
    arxiv = _ARXIV_DOI.match(text)
    if arxiv:
        return ARXIV_PREFIX + arxiv.group("id").lower()
    return text


def arxiv_doi(arxiv_id: str) -> str:
    """The DataCite DOI of an arXiv id (`2401.01234v2` -> `10.48550/arxiv.2401.01234`)."""
    return ARXIV_PREFIX + re.sub(r"v\d+$", "", arxiv_id.strip().lower())


def doi_from_url(url: str) -> str | None:
    """The DOI a link names: a resolver, a publisher page that embeds it, or an arXiv page."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    path = unquote(parts.path)
    if host in _RESOLVERS:
        return normalize_doi(path.lstrip("/"))
    if host in _ARXIV_HOSTS:
        match = _ARXIV_PATH.match(path)
        return arxiv_doi(match.group("id")) if match else None
    bare = host.removeprefix("www.")
    if bare == "nature.com":
        nature = _NATURE_PATH.match(path)
        return normalize_doi("10.1038/" + nature.group("id")) if nature else None
    pattern = _PUBLISHER_PATHS.get(bare)
    match = pattern.match(path) if pattern else _DOI_PATH.search(path)
    return normalize_doi(match.group("doi")) if match else None


def doi_from_text(value: str) -> str | None:
    """The DOI in an identifier value: bare, `doi:`/`info:doi/` labelled, a link, or an arXiv id."""
    text = value.strip()
    if not text:
        return None
    if text.lower().startswith(("http://", "https://")):
        return doi_from_url(text)
    arxiv = _ARXIV_TEXT.match(text)
    if arxiv:
        return arxiv_doi(arxiv.group("id"))
    labelled = _LABEL.sub("", text)
    if labelled != text or text.startswith("10."):
        return normalize_doi(labelled)
    return None


def find_doi(values: Iterable[object]) -> str | None:
    """The first DOI among identifier values or links (non-strings are skipped)."""
    for value in values:
        if isinstance(value, str):
            doi = doi_from_text(value)
            if doi:
                return doi
    return None


def entry_doi(entry: Mapping[str, Any]) -> str | None:
    """The DOI of a feedparser entry (or a JSON Feed item): see the module docstring for the order."""
    values: list[object] = [entry.get("prism_doi"), entry.get("dc_identifier"), entry.get("id")]
    values += [entry.get("link"), entry.get("url"), entry.get("external_url")]
    links = entry.get("links")
    if isinstance(links, list):
        values += [link.get("href") for link in links if isinstance(link, Mapping)]
    return find_doi(values)


def doi_key(doi: str) -> str:
    """The de-duplication key of a DOI (any spelling `normalize_doi`/`doi_from_text` reads)."""
    return "doi:" + (doi_from_text(doi) or doi.strip().lower())


def doi_url(doi: str) -> str:
    """The resolver link to show for a DOI."""
    return "https://doi.org/" + (doi_from_text(doi) or doi.strip())


def canonical_url(doi: str) -> str:
    """The one link of an item with a DOI: its arXiv abstract page for an arXiv DOI, else its doi.org link."""
    found = doi_from_text(doi) or doi.strip().lower()
    if found.startswith(ARXIV_PREFIX):
        return "https://arxiv.org/abs/" + found.removeprefix(ARXIV_PREFIX)
    return "https://doi.org/" + found


def doi_url_key(doi: str) -> str:
    """SHA-256 hex of `canonical_url(doi)`: the `url_key` of every item with this DOI, whatever its link."""
    return hashlib.sha256(canonical_url(doi).encode("utf-8")).hexdigest()
