"""Every figure of the report, computed from a `Dataset` by pure functions.

The rules, in one place:

- **Period**: instants count when `start <= instant < end` in the report's time zone; dates when
  `first <= day <= last` (see `bot.reports.period`).
- **Deleted items** (`deleted_at` set) are never counted: the loader leaves them out.
- **Members at the end** joined before the end and had not left by then; **members in the period**
  joined before the end and had not left before the start (the denominator of the active share).
  Invitations not (yet) accepted are *pending*, never members.
- **An output's status at the end** is the target of its last status change before the end; with no
  change before the end, the status it had before its first change (or its current status).
  It is **new** when filed in the period, **moved** when its status changed in the period, and
  **worked on** when new or moved; only outputs worked on in the period score.
- **Engagement** counts channel activity of members only (never the secretariat's or guests').
  A member is **active** who posted (a message, a thread reply or a file) in the period
  (`bot.domain.is_active_member`); reactions alone do not count. A member who did not post and was away
  (the App Home's "away until", kept as `AwaySpan`s) the whole period is **away**, not silent
  (`bot.domain.is_away_member`); **silent** are the others.
- **Score** (0-100): `100 x Σ weight x component / Σ weight` over the components the club has (see
  `bot/data/report_settings.yaml`); every component is shown with its raw value.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from bot.domain import FieldKey, OutputType, is_active_member, is_away_member
from bot.reports.papers import paper_counts
from bot.reports.period import Period
from bot.reports.results import (
    CasebookItem,
    ClubFigures,
    Engagement,
    FieldRow,
    OutputFigure,
    ProgramFigures,
    Score,
    ScoreComponent,
    SurveySummary,
    Totals,
)
from bot.reports.rows import (
    ActivityRow,
    ClubMeetingRow,
    Dataset,
    MemberRow,
    OutputPersonRow,
    OutputRow,
    PersonRow,
    StatusChangeRow,
    SurveyResponseRow,
    UpdateRow,
)
from bot.reports.settings import COMPONENTS, ReportSettings

# --- rules ---------------------------------------------------------------------------------------------


def status_at_end(output: OutputRow, changes: Sequence[StatusChangeRow], end: datetime) -> str:
    """The status an output had at `end`, from its change history (sorted or not)."""
    ordered = sorted(changes, key=lambda c: c.changed_at)
    before = [c for c in ordered if c.changed_at < end]
    if before:
        return before[-1].to_status
    if ordered:
        return ordered[0].from_status or output.status
    return output.status


def output_points(output_type: OutputType, status: str, confirmed: bool, settings: ReportSettings) -> float:
    factor = 1.0 if confirmed else settings.unconfirmed_factor
    return settings.type_weights[output_type] * settings.status_weights.get(status, 0.0) * factor


def is_casebook(
    output: OutputRow,
    status: str,
    is_new: bool,
    changes: Sequence[StatusChangeRow],
    people: Sequence[OutputPersonRow],
    settings: ReportSettings,
) -> bool:
    """Reached a standout status in the period (filed with it, or moved to it); joint papers only."""
    wanted = settings.casebook_statuses.get(output.type)
    if not wanted or status not in wanted:
        return False
    if output.type is OutputType.PAPER and len(people) < settings.casebook_min_paper_people:
        return False
    return is_new or any(c.to_status in wanted for c in changes)


def engagement(
    activity: Iterable[ActivityRow],
    period: Period,
    member_ids: set[str],
    members_in_period: int,
    away: Mapping[str, Sequence[tuple[date, date]]] | None = None,
    *,
    as_of: date | None = None,
) -> Engagement:
    """Channel activity of the club's members over the period's days. A member is active when they posted
    (`bot.domain.is_active_member`): reactions are counted, but alone do not make anyone active. A member who
    did not post and was away (`away`: their spans of days) for the whole period, up to `as_of` when the report
    is built before its end, is counted away, not silent (`bot.domain.is_away_member`)."""
    active: set[str] = set()
    messages = files = reactions = 0
    for row in activity:
        if not period.contains_day(row.day) or row.slack_user_id not in member_ids:
            continue
        if is_active_member(posts=row.posts):
            active.add(row.slack_user_id)
        messages += row.messages + row.replies
        files += row.files
        reactions += row.reactions
    last_day = min(period.last, as_of) if as_of is not None and as_of >= period.first else period.last
    away_members = sum(
        1
        for user in member_ids - active
        if is_away_member(posts=0, away=(away or {}).get(user, ()), first_day=period.first, last_day=last_day)
    )
    return Engagement(members_in_period, len(active), messages, files, reactions, away_members)


def survey_summary(responses: Sequence[SurveyResponseRow]) -> SurveySummary | None:
    if not responses:
        return None
    n = len(responses)
    return SurveySummary(
        responses=n,
        overall=sum(r.overall for r in responses) / n,
        program=sum(r.program for r in responses) / n,
        speakers=sum(r.speakers for r in responses) / n,
        networking=sum(r.networking for r in responses) / n,
        comments=tuple(r.comment.strip() for r in responses if r.comment and r.comment.strip()),
    )


def score(
    *,
    updates: int,
    share_active: float,
    points: float,
    meetings: int,
    satisfaction: float | None,
    settings: ReportSettings,
) -> Score:
    targets = settings.targets
    components = (
        ScoreComponent(
            "activity", float(updates), min(1.0, updates / targets["updates"]), settings.weights["activity"]
        ),
        ScoreComponent("engagement", share_active, min(1.0, share_active), settings.weights["engagement"]),
        ScoreComponent("outputs", points, min(1.0, points / targets["output_points"]), settings.weights["outputs"]),
        ScoreComponent(
            "meetings", float(meetings), min(1.0, meetings / targets["meetings"]), settings.weights["meetings"]
        ),
        ScoreComponent(
            "satisfaction",
            satisfaction,
            None if satisfaction is None else (satisfaction - 1.0) / 4.0,
            settings.weights["satisfaction"],
        ),
    )
    assert tuple(c.name for c in components) == COMPONENTS
    available = sum(c.weight for c in components if c.value is not None)
    total = 100.0 * sum(c.points for c in components) / available if available else 0.0
    return Score(total=total, components=components)


# --- per club -------------------------------------------------------------------------------------------


def _joined_by(member: MemberRow, instant: datetime) -> bool:
    return member.joined_at is not None and member.joined_at < instant


def _gone_by(member: MemberRow, instant: datetime) -> bool:
    """Left before `instant` (a `left` status without a date counts as gone)."""
    if member.left_at is not None:
        return member.left_at < instant
    return member.status == "left"


def club_figures(dataset: Dataset, settings: ReportSettings) -> list[ClubFigures]:
    """The figures of every club in the dataset, in the dataset's club order."""
    period, tz = dataset.period, dataset.tz
    previous = period.previous()
    start, end = period.start(tz), period.end(tz)
    previous_start, previous_end = previous.start(tz), previous.end(tz)
    age_end = min(period.last, dataset.as_of) if dataset.as_of else period.last  # built mid-quarter: to that day

    members_by_club: dict[int, list[MemberRow]] = defaultdict(list)
    for member in dataset.members:
        members_by_club[member.club_id].append(member)
    updates_by_club: dict[int, list[UpdateRow]] = defaultdict(list)
    for item in sorted(dataset.updates, key=lambda u: (u.created_at, u.id)):
        if start <= item.created_at < end:
            updates_by_club[item.club_id].append(item)
    meetings_by_club: dict[int, list[ClubMeetingRow]] = defaultdict(list)
    for meeting in dataset.meetings:
        if period.contains_day(meeting.held_on):
            meetings_by_club[meeting.club_id].append(meeting)
    changes_by_output: dict[int, list[StatusChangeRow]] = defaultdict(list)
    for change in dataset.status_changes:
        changes_by_output[change.output_id].append(change)
    people_by_output: dict[int, list[OutputPersonRow]] = defaultdict(list)
    for person in dataset.output_people:
        people_by_output[person.output_id].append(person)
    outputs_by_club: dict[int, list[OutputRow]] = defaultdict(list)
    for output in dataset.outputs:
        if output.created_at < end:
            outputs_by_club[output.club_id].append(output)
    away: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for span in dataset.away:
        away_person = dataset.people.get(span.person_id)
        if away_person is not None and away_person.slack_user_id:
            away[away_person.slack_user_id].append((span.first_day, span.last_day))
    activity_by_club: dict[int, list[ActivityRow]] = defaultdict(list)
    for row in dataset.activity:
        activity_by_club[row.club_id].append(row)
    survey_by_club: dict[int, list[SurveyResponseRow]] = defaultdict(list)
    for response in dataset.survey_responses:
        survey_by_club[response.club_id].append(response)
    narratives = {n.club_id: n for n in dataset.narratives if n.period == period.key}

    results = []
    for club in dataset.clubs:
        memberships = members_by_club.get(club.id, [])
        at_end = [m for m in memberships if _joined_by(m, end) and not _gone_by(m, end)]
        in_period = [m for m in memberships if _joined_by(m, end) and not _gone_by(m, start)]
        in_previous = [m for m in memberships if _joined_by(m, previous_end) and not _gone_by(m, previous_start)]
        person_of = dataset.people.__getitem__
        members = tuple(sorted(((person_of(m.person_id), m) for m in at_end), key=lambda pm: _sort_name(pm[0])))
        joined = tuple(person_of(m.person_id) for m in memberships if m.joined_at and start <= m.joined_at < end)
        left = tuple(person_of(m.person_id) for m in memberships if m.left_at and start <= m.left_at < end)
        pending = sum(1 for m in memberships if m.joined_at is None and m.status == "pending")

        def slack_ids(rows: list[MemberRow]) -> set[str]:
            return {sid for m in rows if (sid := dataset.people[m.person_id].slack_user_id)}

        activity = activity_by_club.get(club.id, [])
        current = engagement(activity, period, slack_ids(in_period), len(in_period), away, as_of=dataset.as_of)
        before = engagement(activity, previous, slack_ids(in_previous), len(in_previous), away)

        outputs = []
        for output in outputs_by_club.get(club.id, []):
            changes = changes_by_output.get(output.id, [])
            status = status_at_end(output, changes, end)
            in_window = tuple(sorted((c for c in changes if start <= c.changed_at < end), key=lambda c: c.changed_at))
            is_new = start <= output.created_at < end
            people = tuple(people_by_output.get(output.id, []))
            confirmed = output.confirmed_at is not None and output.confirmed_at < end
            outputs.append(
                OutputFigure(
                    output=output,
                    status=status,
                    is_new=is_new,
                    changes=in_window,
                    people=people,
                    confirmed=confirmed,
                    points=output_points(output.type, status, confirmed, settings),
                    casebook=is_casebook(output, status, is_new, in_window, people, settings),
                )
            )
        outputs.sort(key=lambda o: (list(OutputType).index(o.output.type), o.output.created_at, o.output.id))
        by_type_status = Counter((str(o.output.type), o.status) for o in outputs)
        meetings = tuple(sorted(meetings_by_club.get(club.id, []), key=lambda m: (m.held_on, m.id)))
        survey = survey_summary(survey_by_club.get(club.id, []))
        update_items = tuple(updates_by_club.get(club.id, []))
        updates = len(update_items)
        worked = [o for o in outputs if o.worked_on]
        club_score = score(
            updates=updates,
            share_active=current.share_active,
            points=sum(o.points for o in worked),
            meetings=len(meetings),
            satisfaction=survey.overall if survey else None,
            settings=settings,
        )
        inactive = (
            updates == 0 and not meetings and not worked and current.share_active <= settings.inactive_max_share_active
        )
        people_at_end = [p for p, _ in members]
        results.append(
            ClubFigures(
                club=club,
                age_days=max(0, (age_end - club.created_at.astimezone(tz).date()).days + 1),
                leaders=tuple(p for p, m in members if m.role == "leader"),
                members=members,
                joined=joined,
                left=left,
                pending=pending,
                by_country=dict(Counter(p.country or "" for p in people_at_end)),
                by_stage=dict(Counter(p.career_stage or "" for p in people_at_end)),
                overseas_korean=sum(1 for p in people_at_end if p.overseas_korean),
                by_role=dict(Counter(m.role for _, m in members)),
                updates=updates,
                update_items=update_items,
                meetings=meetings,
                outputs=tuple(outputs),
                by_type_status=dict(by_type_status),
                engagement=current,
                previous_engagement=before,
                survey=survey,
                narrative=narratives.get(club.id),
                score=club_score,
                inactive=inactive,
                papers=paper_counts(dataset, [club.id]),
            )
        )
    return results


def _sort_name(person: PersonRow) -> str:
    return (person.name_en or person.name_ko or "").casefold()


# --- program-wide ----------------------------------------------------------------------------------------


def rank(clubs: Iterable[ClubFigures]) -> tuple[ClubFigures, ...]:
    """Best score first; ties by name, so the order never depends on database order."""
    return tuple(sorted(clubs, key=lambda c: (-round(c.score.total, 6), c.club.name.casefold(), c.club.id)))


def outstanding(ranked: Sequence[ClubFigures], settings: ReportSettings) -> tuple[ClubFigures, ...]:
    chosen = [
        c for c in ranked if settings.outstanding_min_score is None or c.score.total >= settings.outstanding_min_score
    ]
    if settings.outstanding_top_n is not None:
        chosen = chosen[: settings.outstanding_top_n]
    return tuple(chosen)


def program_figures(dataset: Dataset, settings: ReportSettings) -> ProgramFigures:
    clubs = club_figures(dataset, settings)
    ranked = rank(clubs)
    club_ids = {c.club.id for c in clubs}
    responses = [r for r in dataset.survey_responses if r.club_id in club_ids]
    totals = Totals(
        clubs=len(clubs),
        members=sum(c.member_count for c in clubs),
        joined=sum(len(c.joined) for c in clubs),
        left=sum(len(c.left) for c in clubs),
        overseas_korean=sum(c.overseas_korean for c in clubs),
        updates=sum(c.updates for c in clubs),
        meetings=sum(len(c.meetings) for c in clubs),
        meeting_attendees=sum(c.meeting_attendees for c in clubs),
        outputs=sum(len(c.outputs) for c in clubs),
        outputs_new=sum(c.outputs_new for c in clubs),
        outputs_moved=sum(c.outputs_moved for c in clubs),
        outputs_achieved=sum(c.outputs_achieved for c in clubs),
        active_members=sum(c.engagement.active_members for c in clubs),
        members_in_period=sum(c.engagement.members for c in clubs),
        messages=sum(c.engagement.messages for c in clubs),
        previous_active_members=sum(c.previous_engagement.active_members for c in clubs),
        previous_messages=sum(c.previous_engagement.messages for c in clubs),
        survey_responses=len(responses),
        satisfaction=sum(r.overall for r in responses) / len(responses) if responses else None,
        answered=sum(1 for c in clubs if c.answered),
        mean_score=sum(c.score.total for c in clubs) / len(clubs) if clubs else 0.0,
    )
    fields = []
    for field_key in FieldKey:
        group = [c for c in clubs if c.club.field is field_key]
        if not group:
            continue
        fields.append(
            FieldRow(
                field=field_key,
                area=field_key.review_area,
                clubs=len(group),
                members=sum(c.member_count for c in group),
                updates=sum(c.updates for c in group),
                meetings=sum(len(c.meetings) for c in group),
                outputs_new=sum(c.outputs_new for c in group),
                outputs_achieved=sum(c.outputs_achieved for c in group),
                active_members=sum(c.engagement.active_members for c in group),
                members_in_period=sum(c.engagement.members for c in group),
                mean_score=sum(c.score.total for c in group) / len(group),
            )
        )
    by_type = Counter(str(o.output.type) for c in clubs for o in c.outputs if o.worked_on)
    casebook = tuple(CasebookItem(c.club, o) for c in ranked for o in c.outputs if o.casebook)
    return ProgramFigures(
        period=dataset.period,
        previous=dataset.period.previous(),
        clubs=ranked,
        totals=totals,
        fields=tuple(fields),
        outputs_by_type={str(t): by_type[str(t)] for t in OutputType if by_type[str(t)]},
        outstanding=outstanding(ranked, settings),
        casebook=casebook,
        inactive=tuple(c for c in ranked if c.inactive),
        not_answered=tuple(c for c in sorted(clubs, key=lambda c: c.club.name.casefold()) if not c.answered),
        papers=paper_counts(dataset, club_ids),
    )


def change(current: float, previous: float) -> float | None:
    """Relative change from the previous period (None when there was nothing before)."""
    return (current - previous) / previous if previous else None
