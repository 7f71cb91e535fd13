"""Parsing real-world feeds fetched over loopback HTTP, and hostile or broken bodies."""

from __future__ import annotations

import re
import resource

import pytest

from bot.digests.feeds.decode import decode_document
from bot.digests.feeds.errors import FeedErrorKind
from bot.digests.feeds.fetch import fetch_one
from bot.digests.feeds.pages import discover_feed_links
from bot.digests.feeds.parse import FeedParseError, parse_feed
from bot.digests.feeds.text import html_to_text, plain_text, slack_escape, truncate
from tests.feeds.server import SAMPLES

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".xml", ".json"})
TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
#: Literal code the publisher shows on purpose: `<pre>&lt;b&gt;test&lt;b&gt;</pre>` is the text `<b>test<b>`.
LITERAL_MARKUP = {"AtomEscapedHTMLInPreTag.xml"}


def fetch_and_parse(server, options, path):
    result = fetch_one(server.url(path), options)
    assert result.ok, result.error
    return parse_feed(result.body, content_type=result.content_type, url=result.final_url)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_real_world_sample_parses_to_plain_text_entries(feed_server, options, name):
    feed = fetch_and_parse(feed_server, options, f"/samples/{name}")
    assert feed.entries, name
    for entry in feed.entries:
        assert entry.title and entry.title == entry.title.strip()
        assert not TAG.search(entry.title), entry.title
        if name not in LITERAL_MARKUP:
            assert not TAG.search(entry.summary), entry.summary
        assert "\n" not in entry.summary and "  " not in entry.summary
        assert len(entry.title) <= 300 and len(entry.summary) <= 600
        for text in (entry.title_mrkdwn, entry.summary_mrkdwn):
            assert "<" not in text and ">" not in text
            assert all(text.startswith(("&amp;", "&lt;", "&gt;"), i) for i in range(len(text)) if text[i] == "&")
        if entry.url:
            assert entry.url.startswith(("http://", "https://"))
    assert len({e.key for e in feed.entries}) == len(feed.entries)


def test_entities_and_tags_become_plain_text_escaped_for_slack(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/AmazonWebServicesBlog.xml")
    first = feed.entries[0]
    assert first.title == "AWS Job: Architect & Designer Position in Turkey"
    assert first.title_mrkdwn == "AWS Job: Architect &amp; Designer Position in Turkey"
    pets = fetch_and_parse(feed_server, options, "/samples/pet_atom.xml")
    assert pets.entries[0].title == "Sentry Calming Collar for dogs"  # `<i>dogs</i>` in the feed
    assert any(e.title == "A-Door-able | Bouncing mouse, octopus, & bird cat toys" for e in pets.entries)


def test_double_escaped_entities_are_decoded(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/GiantRobotsSmashingIntoOtherGiantRobots.xml")
    summary = feed.entries[0].summary
    assert "“Tell, Don’t Ask”" in summary and "&ldquo;" not in summary


def test_code_shown_as_text_stays_text(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/AtomEscapedHTMLInPreTag.xml")
    assert feed.entries[0].summary == "This is escaped html: <b>test<b>"
    assert feed.entries[0].summary_mrkdwn == "This is escaped html: &lt;b&gt;test&lt;b&gt;"


def test_declared_euc_kr_is_decoded(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/euc-kr-item.xml")
    assert feed.entries[0].summary == "년"
    assert feed.encoding == "cp949"


def test_undeclared_euc_kr_korean_is_decoded(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/euckr-undeclared.xml")
    entry = feed.entries[0]
    assert entry.title == "EUC-KR 에서 TypeKey 한글닉네임 표시하기"
    assert entry.summary.startswith("TypeKey 시스템이 UTF-8로 돌아가는데, 거기서 한글로 된 닉네임을 정할 경우에")


def test_a_wrongly_declared_encoding_is_overruled_and_noted(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/wrong-encoding")
    assert feed.title == "연구 소식"
    assert feed.entries[0].title == "양자 컴퓨터 오류 정정 연구"
    assert feed.entries[0].summary == "초전도 큐비트의 오류율을 낮추었다."
    assert feed.problem and "utf-8" in feed.problem and "cp949" in feed.problem


@pytest.mark.parametrize(
    ("body", "content_type", "codec"),
    [
        ("한글 ok".encode(), None, "utf-8"),
        ("한글 제목".encode("euc-kr"), None, "cp949"),
        ("똠방각하".encode("cp949"), "text/xml; charset=euc-kr", "cp949"),  # 똠 is CP949-only
        ("café".encode("cp1252"), None, "cp1252"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><x>caf\xe9</x>', None, "cp1252"),
        ("\ufeff<rss/>".encode("utf-16-le"), None, "utf-16-le"),
    ],
)
def test_decoding_table(body, content_type, codec):
    text, used, _ = decode_document(body, content_type)
    assert used == codec
    assert "\ufffd" not in text


def test_json_feed(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/json_feed.json")
    assert feed.format == "json1" and feed.title == "inessential.com" and len(feed.entries) == 20
    first = feed.entries[0]
    assert first.title == "James Dempsey and the Breakpoints Benefit App Camp for Girls"
    assert first.url == "http://inessential.com/2017/06/02/james_dempsey_and_the_breakpoints_benefi"  # as published
    assert first.published_at is not None and first.published_at.tzinfo is not None


def test_google_alerts_links_are_unwrapped(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/google_alerts_atom.xml")
    assert all(not e.url.startswith("https://www.google.com/url") for e in feed.entries)
    assert feed.entries[0].url.startswith("https://www.aglobalmarketresearch.com/report-offers-prediction")
    assert "Automotive Slack Market" in feed.entries[0].title  # `<b>Slack</b>` in the alert


def test_relative_links_are_resolved_against_the_final_url(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/SamRuby.xml")
    assert feed.entries[0].url == feed_server.url("/blog/2013/01/30/Plex")


def test_bozo_feed_with_usable_entries_is_used_and_the_problem_recorded(feed_server, options):
    feed = fetch_and_parse(feed_server, options, "/samples/InvalidDateFormat.xml")  # never closes <rss>
    assert [e.title for e in feed.entries] == ["Item 0 with an invalid date", "Item 1 with all valid dates"]
    assert feed.problem and "SAXParseException" in feed.problem


def test_dates_come_from_published_else_updated_else_none(feed_server, options):
    atom = fetch_and_parse(feed_server, options, "/samples/AmazonWebServicesBlog.xml")
    assert atom.entries[0].published_at.isoformat() == "2009-01-16T18:21:00+00:00"
    no_dates = fetch_and_parse(feed_server, options, "/samples/euckr-undeclared.xml")
    assert no_dates.entries[0].published_at is None


def test_entry_keys_are_the_id_else_the_link_else_a_hash_and_stable(feed_server, options):
    atom = fetch_and_parse(feed_server, options, "/samples/AmazonWebServicesBlog.xml")
    assert atom.entries[0].key == "tag:typepad.com,2003:post-61484736"
    rss = fetch_and_parse(feed_server, options, "/samples/InvalidDateFormat.xml")
    assert rss.entries[0].key == "http://example.com/item0"  # no guid: the link
    korean = fetch_and_parse(feed_server, options, "/samples/euckr-undeclared.xml")
    again = fetch_and_parse(feed_server, options, "/samples/euckr-undeclared.xml")
    assert korean.entries[0].key.startswith("sha256:") and korean.entries[0].key == again.entries[0].key


@pytest.mark.parametrize("path", ["/billion-laughs", "/xxe", "/quadratic"])
def test_entity_expansion_attacks_are_refused_without_blowing_up(feed_server, options, path):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = fetch_one(feed_server.url(path), options)
    with pytest.raises(FeedParseError) as caught:
        parse_feed(result.body, content_type=result.content_type, url=result.final_url)
    assert caught.value.error.kind is FeedErrorKind.UNSAFE_XML
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000


def test_entity_declarations_are_refused_even_in_utf16():
    body = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "b">]><rss/>'.encode("utf-16")
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body)
    assert caught.value.error.kind is FeedErrorKind.UNSAFE_XML


def test_an_old_rss_doctype_without_entities_is_fine():
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel><title>Old</title>'
        b"<item><title>An old item</title><link>https://example.org/old</link></item></channel></rss>"
    )
    feed = parse_feed(body, content_type="text/xml")
    assert feed.entries[0].title == "An old item" and feed.format == "rss091n"


def test_rss_1_rdf_is_read():
    body = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel rdf:about="https://example.org/"><title>RDF feed</title><link>https://example.org/</link></channel>
 <item rdf:about="https://example.org/a"><title>Entangled photons &amp; you</title>
 <link>https://example.org/a</link><dc:date>2026-11-02T10:00:00Z</dc:date></item>
</rdf:RDF>"""
    feed = parse_feed(body, content_type="application/rdf+xml")
    assert feed.format == "rss10" and feed.entries[0].title == "Entangled photons & you"
    assert feed.entries[0].published_at.isoformat() == "2026-11-02T10:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "detail"),
    [("/html", "HTML"), ("/binary", "binary"), ("/empty", "empty")],
)
def test_unusable_bodies_are_not_a_feed(feed_server, options, path, detail):
    result = fetch_one(feed_server.url(path), options)
    assert result.ok
    with pytest.raises(FeedParseError) as caught:
        parse_feed(result.body, content_type=result.content_type, url=result.final_url)
    assert caught.value.error.kind is FeedErrorKind.NOT_A_FEED and detail in caught.value.error.detail


def test_json_that_is_not_a_json_feed():
    with pytest.raises(FeedParseError) as caught:
        parse_feed(b'{"hello": "world"}', content_type="application/json")
    assert caught.value.error.kind is FeedErrorKind.NOT_A_FEED


def test_an_html_page_advertises_its_feed(feed_server, options):
    result = fetch_one(feed_server.url("/html"), options)
    links = discover_feed_links(result.body, base_url=result.final_url, content_type=result.content_type)
    assert links == [feed_server.url("/samples/pet_atom.xml")]


# --- text cleaning table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hello <b>world</b></p>", "Hello world"),
        ("A&nbsp;&amp;&nbsp;B", "A & B"),
        ("line<br>break<br/>here", "line break here"),
        ("<script>alert(1)</script>visible<style>p{}</style>", "visible"),
        ("  lots \n\n of \t space  ", "lots of space"),
        ("T < 10 K and a<b", "T < 10 K and a<b"),
        ("&lt;p&gt;escaped twice&lt;/p&gt;", "escaped twice"),
        ("zero\u200bwidth\x07bell", "zero width bell"),
        ('<img src="x.png" alt="A diagram"> caption', "A diagram caption"),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_truncation_is_on_a_word_boundary_with_an_ellipsis():
    assert truncate("short", 10) == "short"
    assert truncate("the quick brown fox jumps", 12) == "the quick…"
    assert len(plain_text("word " * 500, limit=100)) <= 100


def test_slack_escape():
    assert slack_escape("a < b & c > d <@U123>") == "a &lt; b &amp; c &gt; d &lt;@U123&gt;"


@pytest.mark.parametrize(
    "subset",
    [
        '<!-- <![CDATA[ --><!ENTITY x "INJECTED"><!-- ]]> -->',  # the bypass of the old regex (issue 14)
        '<!--x--><!ENTITY x "INJECTED">',
        '<!ENTITY % p "INJECTED"><!ENTITY x "INJECTED">',
        '<!ENTITY x SYSTEM "file:///etc/hostname">',
    ],
)
def test_an_entity_declaration_is_refused_whatever_surrounds_it(subset):
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{subset}]><rss version="2.0"><channel><title>t</title>'
        '<item><title>&x;</title><link>http://example.org/1</link></item></channel></rss>'
    ).encode()
    with pytest.raises(FeedParseError) as caught:
        parse_feed(body)
    assert caught.value.error.kind is FeedErrorKind.UNSAFE_XML


def test_a_public_doctype_without_entities_is_read():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>t</title>'
        b"<item><title>a</title><link>http://example.org/1</link></item></channel></rss>"
    )
    assert [entry.title for entry in parse_feed(body).entries] == ["a"]
