"""bot.digests.feeds.decode: BOMs, UTF-16/32 without a BOM, declared labels, Korean, the fallbacks."""

from __future__ import annotations

import codecs

import pytest

from bot.digests.feeds.decode import codec_name, decode_document, wide_codec

FEED = (
    '<?xml version="1.0" encoding="{label}"?>\n'
    '<rss version="2.0"><channel><title>과학 소식</title>'
    "<item><title>한 항목</title><link>https://example.kr/1</link></item></channel></rss>"
)


def _feed(label: str) -> str:
    return FEED.replace("{label}", label)


@pytest.mark.parametrize(
    ("codec", "label", "bom", "expected"),
    [
        ("utf-16-le", "utf-16", b"", "utf-16-le"),
        ("utf-16-le", "utf-16le", b"", "utf-16-le"),
        ("utf-16-be", "utf-16", b"", "utf-16-be"),
        ("utf-16-be", "utf-16be", b"", "utf-16-be"),
        ("utf-32-le", "utf-32", b"", "utf-32-le"),
        ("utf-32-be", "utf-32", b"", "utf-32-be"),
        ("utf-16-le", "utf-16", codecs.BOM_UTF16_LE, "utf-16-le"),
        ("utf-16-be", "utf-16", codecs.BOM_UTF16_BE, "utf-16-be"),
        ("utf-32-le", "utf-32", codecs.BOM_UTF32_LE, "utf-32-le"),
        ("utf-32-be", "utf-32", codecs.BOM_UTF32_BE, "utf-32-be"),
        ("utf-8", "utf-8", codecs.BOM_UTF8, "utf-8"),
        ("utf-8", "utf-8", b"", "utf-8"),
        ("utf-16-le", "utf-8", b"", "utf-16-le"),  # the NUL pattern wins over a wrong 8-bit label
    ],
)
def test_unicode_forms(codec: str, label: str, bom: bytes, expected: str) -> None:
    text = _feed(label)
    decoded, used, problem = decode_document(bom + text.encode(codec))
    assert decoded == text
    assert used == expected
    assert problem is None


def test_a_json_feed_in_utf16_without_bom() -> None:
    text = '{"version": "https://jsonfeed.org/version/1.1", "title": "소식", "items": []}'
    assert decode_document(text.encode("utf-16-le"), "application/feed+json") == (text, "utf-16-le", None)


def test_leading_whitespace_in_utf32() -> None:
    text = "\n  " + _feed("utf-32")
    assert decode_document(text.encode("utf-32-be"))[:2] == (text, "utf-32-be")


def test_one_item_utf16le_feed_without_bom_is_read_by_feedparser_the_same() -> None:
    feedparser = pytest.importorskip("feedparser")
    body = _feed("utf-16").encode("utf-16-le")
    text, _, _ = decode_document(body)
    ours = feedparser.parse(text.encode("utf-8"), response_headers={"content-type": "text/xml; charset=utf-8"})
    theirs = feedparser.parse(body)
    assert [entry.title for entry in ours.entries] == [entry.title for entry in theirs.entries] == ["한 항목"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"<\x00?\x00", "utf-16-le"),
        (b"\x00<\x00?", "utf-16-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"{\x00\n\x00", "utf-16-le"),
        (b"\x00\x00\x00{", "utf-32-be"),
        (b"<?xm", None),
        (b"<\x00", None),
        (b"\x00\x00\x00\x00", None),
    ],
)
def test_wide_codec(head: bytes, expected: str | None) -> None:
    assert wide_codec(head) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("EUC-KR", "cp949"),
        ("ks_c_5601-1987", "cp949"),
        ('"utf8"', "utf-8"),
        ("ISO-8859-1", "cp1252"),
        ("UTF-16LE", "utf-16-le"),
        ("Shift_JIS", "shift_jis"),
        ("x-bogus", None),
        (None, None),
    ],
)
def test_codec_name(label: str | None, expected: str | None) -> None:
    assert codec_name(label) == expected


KOREAN = "<rss><channel><title>과학 소식: 한국어 제목입니다</title></channel></rss>"


@pytest.mark.parametrize(
    ("body", "content_type", "expected", "problem"),
    [
        # the behaviour kept from bot.digests.feeds.parse.decode_document
        (KOREAN.encode("cp949"), "text/xml; charset=euc-kr", "cp949", None),
        (KOREAN.encode("cp949"), None, "cp949", None),
        (KOREAN.encode("cp949"), "text/xml; charset=iso-8859-1", "cp949", "declared cp1252, read as cp949"),
        (KOREAN.encode("utf-8"), "text/xml; charset=euc-kr", "utf-8", "declared cp949, read as utf-8"),
        (b'<?xml version="1.0" encoding="EUC-KR"?>' + KOREAN.encode("cp949"), None, "cp949", None),
        (b'<?xml version="1.0" encoding="utf-16"?><rss/>', None, "utf-8", "declared utf-16, read as utf-8"),
        ("<rss><title>café</title></rss>".encode("cp1252"), None, "cp1252", None),
        (
            "<rss><title>café</title></rss>".encode("cp1252"),
            "text/xml; charset=utf-8",
            "cp1252",
            "declared utf-8, read as cp1252",
        ),
        ("<rss><title>café</title></rss>".encode(), "text/xml; charset=x-bogus", "utf-8", None),
        (codecs.BOM_UTF8 + b"<rss>\xff\xfe</rss>", None, "cp1252", None),  # a mark on bytes it does not read
    ],
)
def test_labels_and_guesses(body: bytes, content_type: str | None, expected: str, problem: str | None) -> None:
    _, used, found = decode_document(body, content_type)
    assert (used, found) == (expected, problem)
