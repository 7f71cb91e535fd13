"""Decode fetched feed bytes to text the way feedparser would read them, then as the engine always has.

The order, first match wins:

1. A byte-order mark: UTF-32 (LE/BE) before UTF-16 (their marks share a prefix), UTF-8.
2. No mark, but the NUL-byte pattern of an ASCII first character (`<?xml`, `<rss`, `{`, white space) in a
   wide encoding: `00 00 00 xx` UTF-32-BE, `xx 00 00 00` UTF-32-LE, `00 xx 00 yy` UTF-16-BE,
   `xx 00 yy 00` UTF-16-LE (XML 1.0 appendix F, RFC 4627 section 3). A declared `utf-16`/`utf-32` label
   only says the width; the pattern gives the byte order. ASCII-compatible text cannot show these
   patterns, so they win over an 8-bit label.
3. The declared label: the HTTP `charset`, then the XML declaration. A `utf-16`/`utf-32` label on bytes
   without a BOM or a NUL pattern is a mislabelled ASCII-compatible document and is skipped. An 8-bit
   Western label on bytes that read as Korean is overruled to CP949 and noted as a problem.
4. Guessing: UTF-8, then CP949 (a superset of EUC-KR) when the text reads as Hangul, then Windows-1252,
   then Latin-1 (which decodes anything).

`decode_document(body, content_type)` -> `(text, codec name, problem or None)`. Used by the feed parser
(`bot.digests.feeds.parse`) and for web pages (`bot.digests.feeds.pages`).
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
#: Labels mapped onto the codec that reads what servers really send under them.
_ALIASES = {
    "euc-kr": "cp949",
    "euckr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf8": "utf-8",
}
_GUESSES = ("utf-8", "cp949", "cp1252", "latin-1")


def codec_name(label: str | None) -> str | None:
    """The Python codec a charset label names (`EUC-KR` -> `cp949`, `UTF-16LE` -> `utf-16-le`), or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type header, as written."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def xml_declared(text_start: str) -> str | None:
    """The `encoding` of an XML declaration at the start of the text, as written."""
    match = _XML_DECL.match(text_start[:300])
    return match.group(1) if match else None


def bom_codec(body: bytes) -> tuple[str, int] | None:
    """(codec, length of the mark) when the bytes start with a byte-order mark."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    return None


def wide_codec(body: bytes) -> str | None:
    """The UTF-16/32 codec the NUL-byte pattern of the first four bytes shows, for text without a BOM."""
    if len(body) < 4:
        return None
    b0, b1, b2, b3 = body[:4]
    if b0 == b1 == b2 == 0 and b3:
        return "utf-32-be"
    if b0 and b1 == b2 == b3 == 0:
        return "utf-32-le"
    if b0 == 0 and b1 and b2 == 0 and b3:
        return "utf-16-be"
    if b0 and b1 == 0 and b2 and b3 == 0:
        return "utf-16-le"
    return None


def _is_wide(name: str) -> bool:
    return name.startswith(("utf-16", "utf-32"))


def mostly_hangul(text: str) -> bool:
    """Whether at least 60% of the non-ASCII characters are Hangul syllables or jamo."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return False
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return hangul / len(non_ascii) >= 0.6


def _decodes_as_korean(body: bytes) -> bool:
    try:
        return mostly_hangul(body.decode("cp949"))
    except UnicodeDecodeError:
        return False


def decode_document(body: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """Decode feed bytes: (text, codec used, problem or None when the declared encoding was wrong)."""
    marked = bom_codec(body)
    if marked:
        name, length = marked
        try:
            return body[length:].decode(name), name, None
        except UnicodeDecodeError:
            pass  # a mark followed by bytes that do not decode in it: read it as if unmarked
    wide = wide_codec(body)
    if wide:
        try:
            return body.decode(wide), wide, None
        except UnicodeDecodeError:
            pass
    head = body[:300].decode("latin-1")
    declared = [c for c in (codec_name(header_charset(content_type)), codec_name(xml_declared(head))) if c]
    for name in declared:
        if _is_wide(name):
            continue  # without a BOM or a NUL pattern these are a mislabelled ASCII-compatible document
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name in {"cp949", "utf-8"} or not _decodes_as_korean(body):
            return text, name, None
        # An 8-bit Western label on bytes that read as Korean: the label is wrong (a common server default).
        return body.decode("cp949"), "cp949", f"declared {declared[0]}, read as cp949"
    for name in _GUESSES:
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp949" and not mostly_hangul(text):
            continue
        problem = f"declared {declared[0]}, read as {name}" if declared and declared[0] != name else None
        return text, name, problem
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover
