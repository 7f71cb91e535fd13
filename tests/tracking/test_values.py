"""Pure rules of follow-up tracking, table-driven: values people type, output statuses, the parser's forms,
engagement levels and survey results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain import (
    OUTPUT_STATUSES,
    MeetingFormat,
    OutputStatus,
    OutputType,
    Quarter,
    allowed_next_statuses,
    can_change_status,
    default_status,
)
from bot.parsing import Email, Mention, Word
from bot.refs import PersonRef
from bot.subcommands import CommandError, parse_command
from bot.tracking.engagement import ActivityCount, engagement_figures, engagement_level
from bot.tracking.parse import MeetingRequest, OutputChangeRequest, OutputRequest, UpdateRequest
from bot.tracking.service.checks import date_problem
from bot.tracking.service.figures import output_tallies
from bot.tracking.surveys import results_of
from bot.tracking.types import Answer, ItemKind, ItemRef, Level, OutputItem, StatusStep
from bot.tracking.values import (
    ValueProblem,
    check_url,
    normalize_doi,
    output_status_of,
    output_type_of,
    parse_day,
    parse_item_ref,
    people_of,
)
from bot.tracking.views.modals import join_text, split_text

S = OutputStatus


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1038/s41586-020-2649-2", "10.1038/s41586-020-2649-2"),
        ("doi:10.1038/S41586-020-2649-2", "10.1038/s41586-020-2649-2"),
        ("DOI: 10.1000/XYZ123", "10.1000/xyz123"),
        ("https://doi.org/10.1103/PhysRevLett.116.061102", "10.1103/physrevlett.116.061102"),
        ("http://dx.doi.org/10.1016/j.cell.2020.01.001", "10.1016/j.cell.2020.01.001"),
        ("<https://doi.org/10.5281/zenodo.12345>", "10.5281/zenodo.12345"),
        ("https://doi.org/10.1002%2Fanie.201915678", "10.1002/anie.201915678"),
        ("10.1038/nature12373.", "10.1038/nature12373"),
    ],
)
def test_a_doi_is_stored_bare_and_lower_cased_whatever_form_it_came_in(given, stored):
    assert normalize_doi(given) == stored


@pytest.mark.parametrize("given", ["nature12373", "10.12/abc", "11.1038/x", "https://example.org/paper", "10.1038/"])
def test_what_is_not_a_doi_is_refused_with_the_doi_shown(given):
    with pytest.raises(ValueProblem) as caught:
        normalize_doi(given)
    assert caught.value.key == "tracking.error.bad_doi"
    assert caught.value.params == {"doi": given}


@pytest.mark.parametrize("url", ["https://arxiv.org/abs/2401.00001", "http://lab.example.ac.kr/x?y=1"])
def test_web_links_are_kept(url):
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["ftp://files.example.org/a", "javascript:alert(1)", "www.example.org", "https://"])
def test_links_that_are_not_http_are_refused(url):
    with pytest.raises(ValueProblem) as caught:
        check_url(url)
    assert caught.value.key == "tracking.error.bad_url"


@pytest.mark.parametrize(
    ("text", "day"),
    [("2026-11-20", date(2026, 11, 20)), ("2026.11.20", date(2026, 11, 20)), ("2026/1/5", date(2026, 1, 5))],
)
def test_dates_as_people_write_them(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-13-01", "tracking.error.impossible_date"),  # written right, but no such day: said so
        ("2026-02-30", "tracking.error.impossible_date"),
        ("2026-13-45", "tracking.error.impossible_date"),
        ("20261120", "tracking.error.bad_date"),
        ("next week", "tracking.error.bad_date"),
        ("11/20/2026", "tracking.error.bad_date"),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused(text, key):
    with pytest.raises(ValueProblem) as caught:
        parse_day(text)
    assert caught.value.key == key


def test_an_impossible_date_is_called_impossible_in_both_languages():
    from bot.i18n import t

    assert "`2026-13-45`은(는) 달력에 없는 날짜입니다" in t("ko", "tracking.error.impossible_date", date="2026-13-45")
    assert "날짜 형식이 아닙니다" not in t("ko", "tracking.error.impossible_date", date="2026-13-45")
    assert "no such day" in t("en", "tracking.error.impossible_date", date="2026-13-45")


TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("day", "status", "key"),
    [
        (date(1989, 12, 31), S.PUBLISHED, "tracking.error.date_too_early"),
        (date(2029, 1, 1), S.PLANNED, "tracking.error.date_too_far"),
        (date(2026, 12, 1), S.PUBLISHED, "tracking.error.date_in_future"),
        (date(2026, 12, 1), S.SUBMITTED, "tracking.error.date_in_future"),
        (date(2026, 12, 1), S.PLANNED, None),  # a planned workshop may be dated ahead
        (date(2027, 6, 1), S.ONGOING, None),
        (date(2026, 11, 21), S.PUBLISHED, None),
        (date(1990, 1, 1), S.PUBLISHED, None),
    ],
)
def test_dates_that_cannot_be_right(day, status, key):
    problem = date_problem(day, status, TODAY)
    assert (problem[0] if problem else None) == key


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [("o7", ItemKind.OUTPUT, 7), ("U12", ItemKind.UPDATE, 12), ("#m3", ItemKind.MEETING, 3), ("p-2", ItemKind.PLAN, 2)],
)
def test_item_ids(text, kind, number):
    assert parse_item_ref(text) == ItemRef(kind, number)
    assert str(ItemRef(kind, number)) == f"{kind.value}{number}"


@pytest.mark.parametrize("text", ["x7", "o", "7", "o7b", "output7"])
def test_what_is_not_an_item_id(text):
    with pytest.raises(ValueProblem):
        parse_item_ref(text)


@pytest.mark.parametrize(
    ("word", "output_type"),
    [
        ("paper", OutputType.PAPER),
        ("논문", OutputType.PAPER),
        ("PAPER", OutputType.PAPER),
        ("제안서", OutputType.PROPOSAL),
        ("특허", OutputType.PATENT),
        ("워크숍", OutputType.WORKSHOP),
        ("정책", OutputType.POLICY),
        ("로드맵", OutputType.ROADMAP),
        ("소프트웨어", OutputType.SOFTWARE),
        ("수상", OutputType.AWARD),
        ("교류", OutputType.EXCHANGE),
        ("과제", OutputType.PROJECT),
        ("기타", OutputType.OTHER),
    ],
)
def test_output_types_in_english_and_korean(word, output_type):
    assert output_type_of(word) is output_type


def test_every_type_has_a_korean_alias():
    from bot.tracking.values import OUTPUT_TYPE_ALIASES

    korean = {t for word, t in OUTPUT_TYPE_ALIASES.items() if not word.isascii()}
    assert korean == set(OutputType)


@pytest.mark.parametrize(
    ("word", "output_type", "status"),
    [
        ("published", OutputType.PAPER, S.PUBLISHED),
        ("게재", OutputType.PAPER, S.PUBLISHED),
        ("in_progress", OutputType.PAPER, S.IN_PROGRESS),
        ("under-review", OutputType.PROPOSAL, S.UNDER_REVIEW),
        ("출원", OutputType.PATENT, S.FILED),
        ("canceled", OutputType.WORKSHOP, S.CANCELLED),
    ],
)
def test_statuses_spelled_loosely_or_in_korean(word, output_type, status):
    assert output_status_of(word, output_type) is status


def test_a_status_of_another_type_is_refused_naming_the_allowed_ones():
    with pytest.raises(ValueProblem) as caught:
        output_status_of("granted", OutputType.PAPER)
    assert caught.value.key == "tracking.error.bad_status"
    from bot.i18n import t

    text = t("en", caught.value.key, **caught.value.params)
    assert "`granted` is not a status of a Joint paper" in text
    assert "`published`" in text and "`filed`" not in text


def test_people_from_mentions_emails_and_names():
    tokens = [Mention("U1"), Word(","), Mention("U2", "lee"), Word(",Kim@Lab.example,Jane Doe"), Email("a@b.org")]
    assert people_of(tokens) == (
        PersonRef(user_id="U1"),
        PersonRef(user_id="U2"),
        PersonRef(email="kim@lab.example"),
        PersonRef(name="Jane Doe"),
        PersonRef(email="a@b.org"),
    )


def test_a_broken_email_in_with_is_named():
    with pytest.raises(ValueProblem) as caught:
        people_of([Word("kim@lab")])
    assert caught.value.params == {"email": "kim@lab"}


# --- statuses -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output_type", "current", "allowed"),
    [
        (
            OutputType.PAPER,
            S.PLANNED,
            (S.IN_PROGRESS, S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.PUBLISHED, S.CANCELLED),
        ),
        (OutputType.PAPER, S.UNDER_REVIEW, (S.ACCEPTED, S.PUBLISHED, S.REJECTED, S.CANCELLED)),
        (OutputType.PAPER, S.ACCEPTED, (S.PUBLISHED, S.CANCELLED)),
        (OutputType.PAPER, S.PUBLISHED, ()),
        (OutputType.PAPER, S.REJECTED, (S.IN_PROGRESS, S.SUBMITTED)),  # revised and submitted elsewhere
        (OutputType.PROPOSAL, S.SUBMITTED, (S.UNDER_REVIEW, S.FUNDED, S.REJECTED, S.CANCELLED)),
        (OutputType.PROPOSAL, S.FUNDED, (S.CANCELLED,)),
        (OutputType.PATENT, S.PLANNED, (S.FILED, S.GRANTED, S.CANCELLED)),  # not rejected before it is filed
        (OutputType.PATENT, S.FILED, (S.GRANTED, S.REJECTED, S.CANCELLED)),
        (OutputType.PATENT, S.REJECTED, ()),
        (OutputType.POLICY, S.ADOPTED, (S.COMPLETED, S.CANCELLED)),  # adopted cannot be rejected any more
        (OutputType.ROADMAP, S.IN_PROGRESS, (S.PUBLISHED, S.CANCELLED)),
        (OutputType.SOFTWARE, S.PLANNED, (S.IN_PROGRESS, S.RELEASED, S.CANCELLED)),
        (OutputType.WORKSHOP, S.PLANNED, (S.COMPLETED, S.CANCELLED)),
        (OutputType.PROJECT, S.FUNDED, (S.ONGOING, S.COMPLETED, S.CANCELLED)),
        (OutputType.AWARD, S.RECEIVED, ()),
    ],
)
def test_where_an_output_may_go_from_its_status(output_type, current, allowed):
    assert allowed_next_statuses(output_type, current) == allowed


def test_every_type_starts_at_its_first_status_and_never_goes_backwards_on_its_main_line():
    for output_type, order in OUTPUT_STATUSES.items():
        assert default_status(output_type) is order[0]
        main = [s for s in order if s not in (S.REJECTED, S.CANCELLED)]
        for i, current in enumerate(main):
            for earlier in main[:i]:
                assert not can_change_status(output_type, current, earlier), (output_type, current, earlier)


def test_nothing_but_a_rejected_paper_or_proposal_leaves_a_final_status():
    for output_type, order in OUTPUT_STATUSES.items():
        for status in order:
            if status in (S.PUBLISHED, S.GRANTED, S.RELEASED, S.RECEIVED, S.COMPLETED, S.CANCELLED):
                assert allowed_next_statuses(output_type, status) == ()


# --- the parser's forms -------------------------------------------------------------------------------------


def test_update_keeps_the_text_as_written_with_its_line_breaks():
    parsed = parse_command("update Shared the new  trend\nwith <@U1|kim> &amp; the <https://x.example|team>")
    assert parsed.request == UpdateRequest(text="Shared the new  trend\nwith @kim & the team (https://x.example)")


def test_update_without_text_opens_the_form():
    assert parse_command("update").request == UpdateRequest()
    assert parse_command("소식 club:quantum").request == UpdateRequest(club="quantum")


def test_an_output_with_every_option():
    parsed = parse_command(
        'output 논문 "Quantum error correction on chip" status:게재 date:2026-11-02 '
        "doi:<https://doi.org/10.1234/ABC> url:<https://arxiv.org/abs/1> with:<@U1|kim>,<@U2|lee>,x@y.org "
        'note:"Nature Physics"'
    )
    assert parsed.request == OutputRequest(
        type=OutputType.PAPER,
        title="Quantum error correction on chip",
        status=S.PUBLISHED,
        on=date(2026, 11, 2),
        doi="10.1234/abc",
        url="https://arxiv.org/abs/1",
        people=(PersonRef(user_id="U1"), PersonRef(user_id="U2"), PersonRef(email="x@y.org")),
        note="Nature Physics",
    )


def test_an_unquoted_title_is_every_word_after_the_type():
    assert parse_command("output workshop Winter school on qubits").request == OutputRequest(
        type=OutputType.WORKSHOP, title="Winter school on qubits"
    )


def test_only_a_type_opens_the_form_with_it_chosen():
    assert parse_command("output patent").request == OutputRequest(type=OutputType.PATENT)


def test_a_later_status_of_an_existing_output():
    assert parse_command("output o7 status:published doi:10.1234/x").request == OutputChangeRequest(
        item=ItemRef(ItemKind.OUTPUT, 7), status="published", doi="10.1234/x"
    )


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('output frob "T"', "tracking.error.unknown_type"),
        ('output "T"', "tracking.error.unknown_type"),
        ("output paper status:submitted", "tracking.error.missing_title"),
        ('output paper "T" status:granted', "tracking.error.bad_status"),
        ('output paper "T" doi:nature123', "tracking.error.bad_doi"),
        ('output paper "T" url:ftp://x.org/a', "tracking.error.bad_url"),
        ('output paper "T" date:2026-02-30', "tracking.error.impossible_date"),
        ('output paper "T" with:kim@lab', "tracking.error.bad_email"),
        ('output paper "T" trailing words', "tracking.error.extra_words"),
        ("output o7", "tracking.error.change_needs_something"),
        ("output u7 status:published", "tracking.error.not_an_output"),
        ('output o7 note:"x"', "tracking.error.change_use_edit"),
        ("meeting yesterday online Review", "tracking.error.meeting_needs_date"),
        ("meeting 2026-11-31 online Review", "tracking.error.impossible_date"),
        ("meeting 2026-11-20 online", "tracking.error.meeting_needs_summary"),
        ("meeting 2026-11-20 attendees:eight Review", "tracking.error.bad_attendees"),
        ("status 2026Q5", "tracking.error.bad_quarter"),
        ("list 2026Q4 mine extra", "tracking.error.extra_words"),
        ("edit", "tracking.error.missing_item_id"),
        ("delete x12", "tracking.error.bad_item_id"),
        ("survey closes:31-12-2026", "tracking.error.bad_date"),
        ("survey now", "tracking.error.survey_unknown_word"),
        ("outcome-report maybe", "tracking.error.outcome_unknown_word"),
        ("outcome-report date:2026-11-01", "tracking.error.outcome_date_without_submitted"),
        ('output paper "T" status:', "tracking.error.option_empty"),
    ],
)
def test_each_bad_form_has_its_own_message_and_shows_the_right_usage(text, key):
    with pytest.raises(CommandError) as caught:
        parse_command(text)
    assert caught.value.key == key
    assert caught.value.usage == text.split()[0]


def test_a_meeting_with_its_format_attendees_and_summary_on_several_lines():
    parsed = parse_command("meeting 2026-11-20 온라인 attendees:8 Reviewed the proposal.\nNext: budget")
    assert parsed.request == MeetingRequest(
        held_on=date(2026, 11, 20),
        format=MeetingFormat.ONLINE,
        attendees=8,
        summary="Reviewed the proposal.\nNext: budget",
    )


def test_a_meeting_without_format_was_held_in_person():
    parsed = parse_command("meeting 2026-11-20 Lab visit in Daejeon")
    assert parsed.request.format is MeetingFormat.OFFLINE and parsed.request.summary == "Lab visit in Daejeon"


def test_status_and_list_take_a_quarter():
    assert parse_command("status 2026q3").request.quarter == Quarter(2026, 3)
    request = parse_command("list 2026-Q4 mine").request
    assert (request.quarter, request.mine) == (Quarter(2026, 4), True)


# --- long texts in forms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["short", "word " * 1500, "x" * 7000, ("line of text\n" * 600).strip()])
def test_a_long_text_splits_over_inputs_and_joins_back_whole(text):
    parts, joins = split_text(text)
    assert all(len(part) <= 3000 for part in parts)
    assert join_text(parts, joins) == text


# --- engagement --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks_posted", "weeks", "reacted", "level"),
    [
        (7, 13, False, Level.CORE),
        (6, 13, False, Level.ACTIVE),
        (4, 13, False, Level.ACTIVE),
        (3, 13, False, Level.OCCASIONAL),
        (0, 13, True, Level.OCCASIONAL),
        (0, 13, False, Level.SILENT),
        (2, 4, False, Level.CORE),
        (1, 4, False, Level.ACTIVE),
    ],
)
def test_engagement_levels_follow_how_regularly_a_member_posts(weeks_posted, weeks, reacted, level):
    assert engagement_level(weeks_posted, weeks, reacted=reacted) is level


def test_engagement_figures_for_a_quarter():
    first, last = date(2026, 10, 1), date(2026, 12, 31)
    rows = [ActivityCount("UCORE", first + timedelta(days=7 * w), messages=1) for w in range(8)]
    rows += [ActivityCount("UACTIVE", first + timedelta(days=14 * w), replies=2) for w in range(4)]
    rows += [ActivityCount("UBURST", date(2026, 11, 3), messages=40, files=3)]
    rows += [ActivityCount("ULURK", date(2026, 11, 4), reactions=5)]
    rows += [ActivityCount("UGUEST", date(2026, 11, 5), messages=2)]  # not a member
    rows += [ActivityCount("UCORE", date(2026, 9, 30), messages=9)]  # before the quarter
    figures = engagement_figures(rows, ["UCORE", "UACTIVE", "UBURST", "ULURK", "USILENT"], first, last)
    assert figures.levels == {
        "UCORE": Level.CORE,
        "UACTIVE": Level.ACTIVE,
        "UBURST": Level.OCCASIONAL,
        "ULURK": Level.OCCASIONAL,
        "USILENT": Level.SILENT,
    }
    assert (figures.members, figures.active_members, figures.share_active) == (5, 3, 0.6)
    assert (figures.messages, figures.replies, figures.files, figures.reactions) == (50, 8, 3, 5)
    assert figures.posters == 4 and figures.weeks == 14


# --- survey results ------------------------------------------------------------------------------------------------


def test_survey_results_averages_distribution_and_rate():
    answers = [Answer(5, 4, 5, 3, "Great speakers"), Answer(4, 4, 3, 5, None), Answer(3, 2, 4, 5, "  ")]
    results = results_of(answers, invited=8)
    assert results.response_rate == 3 / 8
    overall = results.question("overall")
    assert overall.average == 4.0 and overall.distribution == (0, 0, 1, 1, 1)
    assert results.question("program").average == 3.33
    assert results.comments == ("Great speakers",)
    empty = results_of([], invited=0)
    assert empty.response_rate == 0.0 and empty.question("overall").average is None


# --- outputs counted for a period ------------------------------------------------------------------------------------


def _output(n: int, created: datetime, steps: list[tuple[datetime, OutputStatus]], confirmed: datetime | None = None):
    history = tuple(StatusStep(None, s, at, None) for at, s in steps)
    return OutputItem(
        ref=ItemRef(ItemKind.OUTPUT, n),
        club_id=1,
        author_id=1,
        author_user_id="U1",
        author_name="K",
        created_at=created,
        updated_at=created,
        type=OutputType.PAPER,
        title=f"P{n}",
        status=steps[-1][1],
        occurred_on=None,
        doi=None,
        url=None,
        note=None,
        confirmed_at=confirmed,
        history=history,
    )


def test_outputs_are_counted_with_their_status_at_the_end_of_the_period():
    oct1 = datetime(2026, 10, 1, tzinfo=UTC)
    end = datetime(2026, 12, 31, 15, tzinfo=UTC)
    outputs = [
        _output(1, oct1, [(oct1, S.SUBMITTED), (end + timedelta(days=3), S.PUBLISHED)], confirmed=oct1),
        _output(2, oct1, [(oct1, S.SUBMITTED), (oct1 + timedelta(days=9), S.ACCEPTED)]),
        _output(3, end + timedelta(days=1), [(end + timedelta(days=1), S.PLANNED)]),  # filed after the period
    ]
    [paper] = output_tallies(outputs, end)
    assert paper.total == 2 and paper.confirmed == 1 and paper.achieved == 1
    assert paper.by_status == ((S.SUBMITTED, 1), (S.ACCEPTED, 1))
