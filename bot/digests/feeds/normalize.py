"""Pure normalisation of links and titles, so one article found twice is recognised as one.

`normalize_url` maps the many spellings of a link onto one (scheme, host, tracking parameters,
redirector wrappers, DOI hosts, arXiv versions); `normalize_title` maps a title onto a case-folded,
punctuation-free form. `url_key` / `title_key` are the SHA-256 hex digests stored in 64-character columns;
the `url_key` of a link that names a DOI is the DOI's (`bot.digests.feeds.doi.doi_url_key`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from bot.digests.feeds.doi import doi_from_url, doi_url_key

#: Query parameters that only track where a click came from; dropped from links.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "source",
        "src",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "cmpid",
        "ncid",
        "sr_share",
        "s_cid",
        "cmp",
        "rss",
        "feed",
        "ftag",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "__twitter", "_ga")

_GOOGLE_HOSTS = re.compile(r"^(www\.)?google\.[a-z.]+$")
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org", "hdl.handle.net"})
_DOI = re.compile(r"^(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV_PATH = re.compile(
    r"^/(abs|pdf|html)/(?P<id>[a-z-]+(?:\.[a-z]{2})?/\d{7}|\d{4}\.\d{4,5})(v\d+)?(\.pdf)?/?$", re.I
)
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(_TRACKING_PREFIXES)


def unwrap_redirector(url: str) -> str:
    """The real link inside a Google redirector (`https://www.google.com/url?...&url=REAL`), else `url`."""
    for _ in range(3):  # a wrapped wrapper is unwrapped too, a few levels at most
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        if not (_GOOGLE_HOSTS.match(host) and parts.path == "/url"):
            return url.strip()
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        inner = params.get("url") or params.get("q")
        if not inner or not inner.lower().startswith(("http://", "https://")):
            return url.strip()
        url = inner
    return url.strip()


def absolute_link(link: object, base: str | None) -> str | None:
    """A link found in a feed or a page, made absolute against `base` and unwrapped from a redirector;
    None when it is empty or not an `http`/`https` link."""
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = unwrap_redirector(urljoin(base or "", link.strip()))
    if urlsplit(absolute).scheme.lower() not in {"http", "https"}:
        return None
    return absolute


def doi_of(url: str) -> str | None:
    """The DOI a link names (`https://doi.org/10.1/x`, `dx.doi.org/...`, `doi:10.1/x`, `10.1/x`), lower-cased."""
    text = url.strip()
    if text.lower().startswith("doi:"):
        text = text[4:].strip()
    if _DOI.match(text):
        return unquote(text).lower()
    parts = urlsplit(text)
    if (parts.hostname or "").lower() in _DOI_HOSTS:
        candidate = unquote(parts.path.lstrip("/"))
        if _DOI.match(candidate):
            return candidate.lower()
    return None


def normalize_url(url: str) -> str:
    """One spelling per link.

    Lower-cased scheme and host, `http` and `https` equal, `www.` and default ports dropped, tracking
    parameters dropped and the others sorted, fragment and trailing slash dropped, Google redirector
    links unwrapped, DOI links reduced to `https://doi.org/<doi>`, arXiv versions and PDF links reduced to
    the abstract page. Something that is not an absolute http(s) link comes back stripped and unchanged
    otherwise.
    """
    url = unwrap_redirector(url)
    doi = doi_of(url)
    if doi:
        return f"https://doi.org/{doi}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port is not None and port not in {80, 443}:
        host = f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH)
    if host in {"arxiv.org", "export.arxiv.org"}:
        match = _ARXIV_PATH.match(path)
        if match:
            return f"https://arxiv.org/abs/{match.group('id').lower()}"
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    query = sorted(
        (name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(name)
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


_ARXIV_TITLE_SUFFIX = re.compile(r"\s*\(arxiv:[^)]*\)\s*$", re.IGNORECASE)


def normalize_title(title: str) -> str:
    """Case-folded NFKC text with punctuation and whitespace collapsed to single spaces.

    `Quantum   Error-Correction: A Review.` and `quantum error correction — a review` give the same form.
    """
    text = unicodedata.normalize("NFKC", title)
    text = _ARXIV_TITLE_SUFFIX.sub("", text)
    text = text.casefold()
    kept = [ch if unicodedata.category(ch)[0] in {"L", "N"} else " " for ch in text]
    return " ".join("".join(kept).split())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def url_key(url: str | None) -> str | None:
    """SHA-256 hex of the normalised link, or None when there is no link. A link that names a DOI (a
    publisher page embedding it, a resolver, an arXiv page) has the DOI's key (`bot.digests.feeds.doi`)."""
    if not url or not url.strip():
        return None
    doi = doi_from_url(unwrap_redirector(url))
    if doi:
        return doi_url_key(doi)
    return _sha256(normalize_url(url))


def title_key(title: str) -> str:
    """SHA-256 hex of the normalised title."""
    return _sha256(normalize_title(title))


#: Titles shorter than this (normalised) are too generic ("News", "Weekly update") to match on alone.
MIN_DISTINCTIVE_TITLE = 16


def is_distinctive_title(title: str) -> bool:
    """Whether a title is long enough that two items sharing it are the same item."""
    return len(normalize_title(title)) >= MIN_DISTINCTIVE_TITLE
