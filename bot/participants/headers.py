"""Recognising the header row of the secretariat's files: each column's aliases in Korean and English
(compared case-, space- and punctuation-insensitively, so `E-mail` = `email` = `이메일`), the export's
own headers (so an export imports back), and the search for the header among the sheet's first rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.domain import Language
from bot.i18n import catalog
from bot.participants.tables import RawTable, TableError
from bot.participants.types import Header
from bot.participants.values import lookup_key

HEADER_SEARCH_ROWS = 10
EXPORT_HEADER_KEY = "participants.header.{column}"

# Aliases per column, compared with `lookup_key` (so `E-mail`, `e mail` and `EMAIL` are all `email`).
# The export's own headers (participants.header.*) are added to these, so an export imports back.
PARTICIPANT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("이름", "성명", "성함", "name", "full name", "participant"),
    "name_ko": (
        "한글이름",
        "한글성명",
        "국문이름",
        "국문성명",
        "이름(한글)",
        "성명(국문)",
        "name_ko",
        "korean name",
        "name (korean)",
    ),
    "name_en": ("영문이름", "영문 성명", "이름(영문)", "성명(영문)", "name_en", "english name", "name (english)"),
    "email": ("이메일", "이메일 주소", "전자우편", "메일", "email", "e-mail", "email address", "mail"),
    "affiliation": (
        "소속",
        "기관",
        "소속기관",
        "소속 기관",
        "affiliation",
        "institution",
        "organization",
        "organisation",
    ),
    "country": ("국가", "나라", "거주국", "거주 국가", "소재국", "country", "country of residence"),
    "career_stage": ("경력단계", "경력 단계", "경력구분", "career stage", "career", "stage"),
    "role": ("역할", "참여 역할", "참가 구분", "role", "meeting role"),
    "orcid": ("orcid", "orcid id", "orcid iD"),
    "overseas_korean": ("재외한인", "재외한인 여부", "재외동포", "overseas korean", "overseas koreans"),
    "overseas_association": (
        "협회",
        "소속협회",
        "소속 협회",
        "재외한인과학기술자협회",
        "association",
        "overseas association",
    ),
    "slack_user_id": ("슬랙 ID", "슬랙 아이디", "slack", "slack id", "slack user id", "slack_user_id"),
}

MEETING_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("코드", "행사코드", "행사 코드", "회의코드", "code", "meeting code", "meeting"),
    "title_ko": (
        "국문제목",
        "한글제목",
        "제목(국문)",
        "제목(한글)",
        "행사명",
        "국문행사명",
        "행사명(국문)",
        "title_ko",
        "korean title",
        "title (korean)",
    ),
    "title_en": (
        "영문제목",
        "제목(영문)",
        "영문행사명",
        "행사명(영문)",
        "title_en",
        "english title",
        "title (english)",
        "title",
    ),
    "field": ("분야", "기술분야", "기술 분야", "전략기술", "field", "technology field"),
    "venue": ("장소", "개최지", "개최 장소", "venue", "place", "location"),
    "starts_on": ("시작일", "개최 시작일", "시작", "시작 날짜", "start", "start date", "starts on", "from"),
    "ends_on": ("종료일", "개최 종료일", "종료", "종료 날짜", "end", "end date", "ends on", "to"),
    "organizers": ("조직위원장", "조직위원", "organizers", "organisers", "organizer", "organiser"),
}

OVERSEAS_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": PARTICIPANT_COLUMNS["name"],
    "name_ko": PARTICIPANT_COLUMNS["name_ko"],
    "name_en": PARTICIPANT_COLUMNS["name_en"],
    "email": PARTICIPANT_COLUMNS["email"],
    "affiliation": PARTICIPANT_COLUMNS["affiliation"],
    "country": PARTICIPANT_COLUMNS["country"],
    "orcid": PARTICIPANT_COLUMNS["orcid"],
    "association": (
        *PARTICIPANT_COLUMNS["overseas_association"],
        "지역협회",
        "한인과학기술자협회",
        "society",
        "chapter",
    ),
}

#: The export's columns, in order; each header is `EXPORT_HEADER_KEY` in the catalogs.
EXPORT_COLUMNS = (
    "name_ko",
    "name_en",
    "email",
    "affiliation",
    "country",
    "career_stage",
    "overseas_korean",
    "overseas_association",
    "orcid",
    "role",
    "clubs",
)


def _alias_table(columns: Mapping[str, Sequence[str]], catalog_headers: bool) -> dict[str, str]:
    table: dict[str, str] = {}
    for column, aliases in columns.items():
        for alias in (column, *aliases):
            table.setdefault(lookup_key(alias), column)
        if catalog_headers:
            for lang in (Language.KO, Language.EN):
                label = catalog(lang).get(EXPORT_HEADER_KEY.format(column=column))
                if label:
                    table.setdefault(lookup_key(label), column)
    return table


def find_header(raw: RawTable, columns: Mapping[str, Sequence[str]], *, catalog_headers: bool = False) -> Header:
    """The header row among the first rows: the first with two or more known headers. With `catalog_headers`,
    the export's headers in both languages are known too."""
    if not raw.rows:
        raise TableError("participants.file.empty")
    aliases = _alias_table(columns, catalog_headers)
    for number, cells in raw.rows[:HEADER_SEARCH_ROWS]:
        known = [aliases.get(lookup_key(cell)) if cell else None for cell in cells]
        if sum(1 for column in known if column) < 2:
            continue
        index: dict[str, int] = {}
        labels: dict[str, str] = {}
        ignored: list[str] = []
        for position, (cell, column) in enumerate(zip(cells, known, strict=True)):
            if column is None:
                if cell:
                    ignored.append(cell)
                continue
            if column in index:
                raise TableError("participants.file.duplicate_column", column=cell, other=labels[column])
            index[column] = position
            labels[column] = cell
        return Header(row=number, index=index, labels=labels, ignored=tuple(ignored))
    expected = ", ".join(aliases_for_help(columns))
    raise TableError("participants.file.no_header", expected=expected)


def aliases_for_help(columns: Mapping[str, Sequence[str]]) -> list[str]:
    """One Korean and one English header per column, for messages."""
    return [f"{aliases[0]}/{column}" for column, aliases in columns.items()]
