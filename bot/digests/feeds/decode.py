"""Feed bytes to text: which encoding a fetched document is really in.

The charset from the HTTP header, then the XML declaration, then UTF-8, then Korean CP949 (a superset of
EUC-KR) when the bytes read as Hangul, then Windows-1252. A declared encoding the bytes do not decode in is
overruled and noted as the feed's problem (`decode_document`). Used by the feed parser
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
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
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


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def _mostly_hangul(text: str) -> bool:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return False
    hangul = sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e")
    return hangul / len(non_ascii) >= 0.6


def decode_document(body: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """Decode feed bytes: (text, codec used, problem or None when the declared encoding was wrong)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            try:
                return body[len(bom) :].decode(name), name, None
            except UnicodeDecodeError:
                break
    declared = [c for c in (_codec(_header_charset(content_type)), _codec(_xml_declared(body))) if c]
    for name in declared:
        if name in {"utf-16", "utf-32"} or name.startswith(("utf-16", "utf-32")):
            continue  # without a BOM these are almost always a mislabelled ASCII-compatible document
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp949" or name == "utf-8" or not _decodes_as_korean(body):
            return text, name, None
        # An 8-bit Western label on bytes that read as Korean: the label is wrong (a common server default).
        return body.decode("cp949"), "cp949", f"declared {declared[0]}, read as cp949"
    for name in ("utf-8", "cp949", "cp1252", "latin-1"):
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "cp949" and not _mostly_hangul(text):
            continue
        problem = f"declared {declared[0]}, read as {name}" if declared and declared[0] != name else None
        return text, name, problem
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _decodes_as_korean(body: bytes) -> bool:
    try:
        return _mostly_hangul(body.decode("cp949"))
    except UnicodeDecodeError:
        return False


def _xml_declared(body: bytes) -> str | None:
    match = _XML_DECL.match(body[:300])
    return match.group(1).decode("ascii") if match else None
