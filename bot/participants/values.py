"""Validators for the participant database's values; each returns the stored form or raises `InvalidValue`.

The same functions serve the file imports and the Slack modal (`update_participant_record`), so a value
accepted in one place is accepted in the other. An `InvalidValue` carries a catalog key
(`participants.error.*`) and named parameters for its text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import cache

from babel import Locale
from babel.core import get_global

from bot.domain import CareerStage, FieldKey, Language, MeetingRole


class InvalidValue(ValueError):
    """A value that cannot be stored; `key` names the reason in the catalogs."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


#: Largest lengths the database columns take (storage.models).
MAX_LENGTH = {
    "name_ko": 120,
    "name_en": 200,
    "email": 320,
    "affiliation": 300,
    "overseas_association": 200,
    "code": 40,
    "title_ko": 300,
    "title_en": 300,
    "venue": 120,
    "organizers": 500,
}


def clean_text(value: object) -> str:
    """A cell as text: None → "", surrounding whitespace removed, runs of whitespace made one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def lookup_key(value: str) -> str:
    """The form used to compare words typed by people: NFKC, case-folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def check_length(field: str, value: str) -> str:
    limit = MAX_LENGTH[field]
    if len(value) > limit:
        raise InvalidValue("participants.error.too_long")
    return value


def contains_hangul(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f" for ch in text)


# --- email ---------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def parse_email(value: str) -> str:
    """A mailbox as stored: lower-cased, full-width characters (＠) made ASCII. `mailto:` is dropped."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    text = text.lower()
    local = text.split("@", 1)[0]
    if (
        not _EMAIL.match(text)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or len(local) > 64
        or len(text) > MAX_LENGTH["email"]
    ):
        raise InvalidValue("participants.error.bad_email")
    return text


# --- ORCID ---------------------------------------------------------------------------------------

_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")


def orcid_check_digit(base_digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def parse_orcid(value: str) -> str:
    """`0000-0002-1825-0097`, also given as `https://orcid.org/…`, without hyphens or with a lower-case x."""
    text = unicodedata.normalize("NFKC", value).strip().upper()
    text = re.sub(r"^(HTTPS?://)?(WWW\.)?ORCID\.ORG/", "", text).strip("/")
    match = _ORCID.match(text)
    if not match:
        raise InvalidValue("participants.error.bad_orcid")
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise InvalidValue("participants.error.bad_orcid_checksum")
    return "-".join(match.groups())


# --- countries -----------------------------------------------------------------------------------

#: Names people use that CLDR does not list as the country's name.
_COUNTRY_ALIASES = {
    "KR": ("Korea", "Republic of Korea", "Korea, Republic of", "Korea (South)", "ROK", "한국", "남한", "대한민국"),
    "KP": ("North Korea", "DPRK", "북한"),
    "US": ("USA", "U.S.A.", "U.S.", "United States of America", "America", "미합중국"),
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland", "잉글랜드"),
    "NL": ("Holland", "The Netherlands"),
    "CZ": ("Czech Republic",),
    "RU": ("Russian Federation",),
    "TW": ("Republic of China", "대만", "타이완"),
    "CN": ("PRC", "People's Republic of China", "China, People's Republic of"),
    "VN": ("Viet Nam",),
    "TR": ("Turkey", "Türkiye", "터키", "튀르키예"),
    "DE": ("Deutschland",),
    "CH": ("Swiss",),
    "AE": ("UAE",),
    "HK": ("Hong Kong", "홍콩"),
    "IR": ("Iran",),
    "LA": ("Laos",),
    "SY": ("Syria",),
    "MD": ("Moldova",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
}

#: CLDR territories that are not ISO 3166-1 countries (continents, unions, private-use codes).
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}


@cache
def _country_tables() -> tuple[frozenset[str], dict[str, str], dict[str, str]]:
    english = Locale("en").territories
    korean = Locale("ko").territories
    alpha2 = frozenset(
        code
        for code in english
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )
    alpha3: dict[str, str] = {}
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in alpha2:
            alpha3.setdefault(alias, targets[0])
    names: dict[str, str] = {}
    for code in sorted(alpha2):
        for table in (english, korean):
            if code in table:
                names.setdefault(lookup_key(table[code]), code)
    for code, aliases in _COUNTRY_ALIASES.items():
        for alias in aliases:
            names[lookup_key(alias)] = code
    return alpha2, alpha3, names


def parse_country(value: str) -> str:
    """ISO 3166-1 alpha-2 for `KR`, `KOR`, `Korea`, `South Korea`, `대한민국`, `한국`, `미국`..."""
    alpha2, alpha3, names = _country_tables()
    text = unicodedata.normalize("NFKC", value).strip()
    upper = text.upper()
    if len(upper) == 2 and upper in alpha2:
        return upper
    if len(upper) == 3 and upper in alpha3:
        return alpha3[upper]
    code = names.get(lookup_key(text))
    if code is None:
        raise InvalidValue("participants.error.unknown_country")
    return code


def country_name(code: str, lang: Language | str) -> str:
    return Locale(str(lang)).territories.get(code, code)


# --- career stages and meeting roles -------------------------------------------------------------

_CAREER_STAGE_WORDS: dict[CareerStage, tuple[str, ...]] = {
    CareerStage.SENIOR: (
        "senior",
        "senior researcher",
        "시니어",
        "원로",
        "고경력",
        "Prof",
        "Prof.",
        "professor",
        "full professor",
        "emeritus",
        "교수",
        "정교수",
        "명예교수",
        "책임연구원",
    ),
    CareerStage.MID_CAREER: (
        "mid-career",
        "mid career",
        "mid",
        "midcareer",
        "mid-career researcher",
        "MCR",
        "associate professor",
        "중견",
        "중견연구자",
        "중견 연구자",
        "부교수",
        "선임연구원",
    ),
    CareerStage.EARLY_CAREER: (
        "early-career",
        "early career",
        "early",
        "junior",
        "신진",
        "신진연구자",
        "젊은연구자",
        "초기경력",
        "초기",
        "초기 연구자",
        "초기경력연구자",
        "ECR",
        "early-career researcher",
        "early career researcher",
        "early-stage researcher",
        "assistant professor",
        "조교수",
    ),
    CareerStage.POSTDOC: (
        "postdoc",
        "post-doc",
        "postdoctoral",
        "postdoctoral researcher",
        "postdoctoral fellow",
        "박사후연구원",
        "박사후",
        "포닥",
        "박사후과정",
        "박사 후 연구원",
        "postdoctoral associate",
        "research fellow",
        "post doc",
    ),
    CareerStage.GRADUATE_STUDENT: (
        "graduate student",
        "graduate",
        "grad student",
        "phd student",
        "ph.d. student",
        "master's student",
        "masters student",
        "student",
        "대학원생",
        "석사과정",
        "박사과정",
        "석박사통합과정",
        "학생",
        "석사",
        "석사생",
        "박사생",
        "박사과정생",
        "PhD candidate",
        "doctoral student",
        "doctoral candidate",
        "MSc student",
        "MS student",
        "master student",
    ),
    CareerStage.OTHER: ("other", "기타"),
}

_ROLE_WORDS: dict[MeetingRole, tuple[str, ...]] = {
    MeetingRole.ORGANIZER: (
        "organizer",
        "organiser",
        "co-organizer",
        "chair",
        "조직위원장",
        "조직위원",
        "공동조직위원장",
    ),
    MeetingRole.SPEAKER: ("speaker", "invited speaker", "keynote speaker", "연사", "초청연사", "발표자", "해외연사"),
    MeetingRole.RESEARCHER: ("researcher", "participant", "attendee", "참가자", "연구자", "참석자", "국내연구자"),
    MeetingRole.STUDENT: ("student", "graduate student", "postdoc", "학생", "대학원생", "학생참가자", "박사후연구원"),
    MeetingRole.OBSERVER: ("observer", "guest", "참관", "참관인", "참관자", "옵서버"),
}


@cache
def _word_table(kind: str) -> dict[str, str]:
    from bot.i18n import catalog

    source: dict[str, tuple[str, ...]] = {
        str(member): words for member, words in (_CAREER_STAGE_WORDS if kind == "career" else _ROLE_WORDS).items()
    }
    table: dict[str, str] = {}
    for value, words in source.items():
        labels = [catalog(lang).get(f"participants.{kind}.{value}", "") for lang in (Language.KO, Language.EN)]
        for word in (value, *words, *labels):
            if word:
                table.setdefault(lookup_key(word), value)
    return table


def parse_career_stage(value: str) -> CareerStage:
    stage = _word_table("career").get(lookup_key(value))
    if stage is None:
        raise InvalidValue("participants.error.unknown_career_stage")
    return CareerStage(stage)


def parse_meeting_role(value: str) -> MeetingRole:
    role = _word_table("role").get(lookup_key(value))
    if role is None:
        raise InvalidValue("participants.error.unknown_role")
    return MeetingRole(role)


def parse_meeting_roles(value: str) -> tuple[tuple[str, MeetingRole], ...]:
    """The role cell of an export of several meetings: `CODE: role; CODE: role` (`;` or a new line between)."""
    found: list[tuple[str, MeetingRole]] = []
    for part in re.split(r"[;\n]", value):
        if not part.strip():
            continue
        code, sep, role = part.partition(":")
        if not sep or not code.strip() or any(ch.isspace() for ch in code.strip()):
            raise InvalidValue("participants.error.unknown_role")
        found.append((code.strip(), parse_meeting_role(role)))
    return tuple(found)


def parse_role_cell(value: str) -> MeetingRole | tuple[tuple[str, MeetingRole], ...]:
    """One role (`조직위원장`), or the roles at several meetings as an export writes them."""
    return parse_meeting_roles(value) if ":" in value else parse_meeting_role(value)


# --- other values ---------------------------------------------------------------------------------

_YES = {"y", "yes", "예", "네", "o", "ㅇ", "true", "1", "t", "해당", "재외한인"}
_NO = {"n", "no", "아니오", "아니요", "x", "false", "0", "f", "해당없음", "비해당"}


def parse_yes_no(value: str) -> bool:
    """Y/N, 예/아니오, O/X (also ○/×), true/false, 1/0."""
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    text = {"○": "o", "◯": "o", "●": "o", "×": "x", "✕": "x"}.get(text, text)
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise InvalidValue("participants.error.bad_yes_no")


_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")


def parse_slack_user_id(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().upper().removeprefix("<@").removesuffix(">")
    if not _SLACK_USER_ID.match(text):
        raise InvalidValue("participants.error.bad_slack_id")
    return text


def parse_name(field: str, value: str) -> str:
    text = clean_text(value)
    if not any(ch.isalpha() for ch in text):
        raise InvalidValue("participants.error.bad_name")
    return check_length(field, text)


@cache
def _field_table() -> dict[str, FieldKey]:
    from bot.i18n import catalog

    table: dict[str, FieldKey] = {}
    for field in FieldKey:
        table[lookup_key(field.value)] = field
        table[lookup_key(field.name)] = field
        for lang in (Language.KO, Language.EN):
            label = catalog(lang).get(f"field.{field.value}")
            if label:
                table.setdefault(lookup_key(label), field)
    return table


def parse_field(value: str) -> FieldKey:
    """A field by key (`quantum`), Korean name (`양자`) or English name (`Quantum`)."""
    field = _field_table().get(lookup_key(value))
    if field is None:
        raise InvalidValue("participants.error.unknown_field")
    return field


_DATE = re.compile(r"^(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?$")


def parse_date(value: str) -> date:
    """`2026-05-20`, `2026.5.20.`, `2026/05/20`, `2026년 5월 20일`, or an Excel date cell (`2026-05-20 00:00:00`)."""
    text = unicodedata.normalize("NFKC", value).strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = _DATE.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
    raise InvalidValue("participants.error.bad_date")
