"""`clubbot console --demo`, driven as a person would: commands on standard input, the bot's answers printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain import Quarter
from bot.hours import holiday_rule
from bot.reports.timing import NARRATIVE_STEPS, narrative_step_time

ROOT = Path(__file__).resolve().parent.parent


def run_console(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", *args],
        input=script,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_console_demo_answers_club_help_in_the_persons_language(tmp_path):
    result = run_console(tmp_path, "/club help\n:as david\n/club help\n:quit\n", "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # the secretariat admin (Korean locale) sees Korean help in the demo club's channel
    assert "[secretariat in #xlab-quantum-hardware-club]> /club help" in out
    assert "clubbot: X-Lab Day 클럽의 교류를 이어 가는 도우미" in out
    # David (English locale) sees English
    assert "You are now @david." in out
    assert "clubbot: keeping your X-Lab Day club working together" in out
    assert "Traceback" not in out + result.stderr


def test_console_demo_seeds_people_and_a_club_once(tmp_path):
    first = run_console(tmp_path, ":people\n:channels\n:quit\n", "--demo")
    assert first.returncode == 0, first.stderr
    assert "@seoyeon" in first.stdout and "@hiroshi" in first.stdout
    assert "(사무국 관리자)" in first.stdout  # the secretariat reads Korean
    assert "#xlab-quantum-hardware-club" in first.stdout
    # the workspace and database persist; seeding again changes nothing
    second = run_console(tmp_path, ":channels\n:quit\n", "--demo")
    assert second.stdout.count("#xlab-quantum-hardware-club ") == 1  # one channel, not two
    fresh = run_console(tmp_path, ":channels\n:quit\n", "--fresh")
    assert "#xlab-quantum-hardware-club" not in fresh.stdout


def test_console_explains_unknown_input(tmp_path):
    result = run_console(tmp_path, "hello\n:frob\n:as david\n:frob\n:quit\n", "--demo")
    # the console speaks the language of the person it acts as: the secretariat's Korean, then David's English
    assert "/club ... 명령어나 콘솔 명령어를 입력하세요(:help)." in result.stdout
    assert "없는 콘솔 명령어입니다: :frob. :help 로 목록을 보세요." in result.stdout
    assert "Unknown console command :frob. Type :help." in result.stdout


def test_console_demo_discovers_the_leaders_joint_paper(tmp_path):
    result = run_console(tmp_path, ":quit\n", "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "찾아낸 공동 논문(OpenAlex 대역):" in out  # said to the secretariat, in Korean
    assert "10.5555/xlab.demo.2026.001" in out and "Error-corrected superconducting qubits" in out
    assert "[international: KR, US]" in out and "1 suggestion(s) stored, 2 DM(s) to leaders queued" in out
    assert "xlab.demo.2026.002" not in out  # a single-author paper is not the club's


def test_the_console_fills_the_output_form_as_the_doi_is_typed(tmp_path):
    script = ":as david\n/club output\n:type title=My own title\n:type doi=10.5555/xlab.demo.2026.002\n:submit\n:quit\n"
    result = run_console(tmp_path, script, "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert "(typed into [title]; Slack sends it with the form when you :submit)" in _after(out, ":type title=")
    filled = _after(out, "> :type doi=10.5555/xlab.demo.2026.002")
    assert "(a modal updated)" in filled and "[title] Title (text, required) = My own title" in filled
    assert "[doi] DOI (text, optional) = 10.5555/xlab.demo.2026.002" in filled
    assert "[date] Date (date YYYY-MM-DD, optional) = 2026-10-05" in filled
    assert "Published in Journal of Examples · Authors: Seoyeon Kim" in filled
    assert "Saved as *o1*" in _after(out, "> :submit")


def _after(out: str, prompt_line: str) -> str:
    """What the console printed after `prompt_line` and before the next prompt."""
    start = out.index(prompt_line) + len(prompt_line)
    end = out.find("\n[", start)
    return out[start : end if end != -1 else None]


STORY = """\
/club new "수소 에너지 클럽" field:hydrogen members:@minho
/club archive club:"수소 에너지 클럽"
:click clubs:archive_confirm
/club clubs
:as david
/club output paper "Qubit coherence at 20 mK" doi:10.1234/abcd
:as seoyeon
:click tracking:confirm_output
:as david
/club feeds add http://127.0.0.1:1/feed.xml
/club feeds
/club digest now
:as anna
/club update
:submit text=
:submit text="Met Hiroshi at RIKEN about a joint proposal"
/club member
:submit email=not-an-email
:submit career_stage=guru
:dm
:in #nowhere
:frob
/club
:quit
"""


def test_each_roles_story_in_the_console(tmp_path):
    """The secretariat creates and archives a club and imports people; a leader files and confirms an output,
    manages feeds and previews the digest; a member records an update and fails a form. Each step shows what
    the person would see in Slack, later answers included, and nothing typed ends the console."""
    result = run_console(tmp_path, STORY, "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert f"데이터베이스: sqlite:///{tmp_path}/data/console/clubbot.db" in out

    # the secretariat: the answer that comes later (the summary), the channel, the welcome post
    new = _after(out, '> /club new "수소 에너지 클럽" field:hydrogen members:@minho')
    assert "“수소 에너지 클럽”을 만드는 중입니다" in new and "클럽 클럽" not in new
    assert "(#xlab-suso-eneoji-keulleob 채널을 만들었습니다)" in new
    assert "*수소 에너지 클럽*이 #xlab-suso-eneoji-keulleob 채널에 준비되었습니다." in new
    assert "#xlab-suso-eneoji-keulleob  clubbot:" in new and "수소 에너지 클럽에 오신 것을 환영합니다" in new
    archive = _after(out, '> /club archive club:"수소 에너지 클럽"')
    assert "보관할까요?" in archive and "[종료하고 보관] (clubs:archive_confirm" in archive
    confirmed = _after(out, "> :click clubs:archive_confirm")
    assert "(#xlab-suso-eneoji-keulleob 채널을 보관했습니다)" in confirmed
    assert "수소 에너지 클럽을 종료하고 채널을 보관했습니다" in confirmed
    assert "*수소 에너지 클럽* #xlab-suso-eneoji-keulleob" in _after(out, "> /club clubs")
    assert "_보관됨_" in _after(out, "> /club clubs")

    # a leader (English): files, confirms, feeds (a bad URL's reason arrives later), digest preview
    filed = _after(out, '> /club output paper "Qubit coherence at 20 mK" doi:10.1234/abcd')
    assert "Saved as *o1*" in filed and "#xlab-quantum-hardware-club  clubbot:" in filed
    confirm = _after(out, "> :click tracking:confirm_output")
    assert "*o1*" in confirm and "리더 확인 완료 @seoyeon" in confirm  # the other leader confirms, in Korean
    bad_feed = _after(out, "> /club feeds add http://127.0.0.1:1/feed.xml")
    assert "was not added: the site could not be reached" in bad_feed
    feeds = _after(out, "> /club feeds\n")
    numbers = [int(line.split("`#")[1].split("`")[0]) for line in feeds.splitlines() if "`#" in line]
    assert numbers and numbers == sorted(numbers)
    assert "Preparing a preview" in (digest := _after(out, "> /club digest now"))
    assert "if the digest of Quantum Hardware Club were due now" in digest

    # a member: a form refused on its field, then saved; the record form lists fields, options, values
    update = _after(out, "> /club update")
    assert "[text] What happened? (text, required) = (empty)" in update
    assert "! [text] What happened?: this field is required" in _after(out, "> :submit text=\n")
    assert "Saved as *u1*" in _after(out, '> :submit text="Met Hiroshi at RIKEN about a joint proposal"')
    record = _after(out, "> /club member")
    assert "[email] Email (text, optional) = anna.schmidt@mpq.example" in record
    assert "early-career     Early-career researcher" in record
    assert "! [email] This is not a valid email address." in _after(out, "> :submit email=not-an-email")
    assert "'guru' is not one of the options" in _after(out, "> :submit career_stage=guru")
    assert "[anna in @clubbot]> :in #nowhere" in out
    assert "No channel called '#nowhere'" in out and "Unknown console command :frob" in out

    # the secretariat's import reaches the same database as the console (`--console`)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        "CLUBBOT_LANGUAGE": "en",
    }

    def clubbot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", "--console", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    exported = clubbot("export", "participants", "--meeting", "XL-2026-09", "--out", str(tmp_path / "people.csv"))
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr.splitlines()[0].endswith("/data/console/clubbot.db")
    imported = clubbot("import", "participants", str(tmp_path / "people.csv"), "--meeting", "XL-2026-09")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert " 0 created, 0 updated" in imported.stdout, imported.stdout  # the console's people, already there


def test_a_line_cut_in_the_middle_of_a_character_does_not_end_the_console(tmp_path):
    """A long paste cut by the terminal leaves half a character; the console reads on instead of crashing."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CLUBBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        "LC_ALL": "C",  # a terminal whose bytes Python reads with surrogateescape
    }
    cut = "/club update 진행 상황 공유".encode()[:-1]  # the last character's final byte is missing
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "console"],
        input=cut + b"\n:help\n:quit\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    out = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + result.stderr.decode("utf-8", "replace")
    assert "콘솔 명령어:" in out  # the next line was read and answered (in the secretariat's Korean)


def test_clean_turns_half_characters_into_replacement_marks():
    from bot.console.editor import clean

    assert clean("가\udceb\udcb0") == "가\ufffd"
    assert clean("plain") == "plain"


def _next_narrative_request() -> datetime:
    """When the leaders are next asked for the quarter's narrative (10:00 in Seoul, two weeks before its end)."""
    seoul = ZoneInfo("Asia/Seoul")
    now = datetime.now(UTC)
    quarter = Quarter.of_instant(now, seoul)
    for candidate in (quarter, quarter.next()):
        at = narrative_step_time(candidate, NARRATIVE_STEPS[0][1], seoul).astimezone(seoul)
        if at > now + timedelta(hours=2):
            return at
    raise AssertionError("no request ahead")


_KO_DAYS = "월화수목금토일"


def test_console_shows_local_times_and_fast_forwards_to_who_gets_what_when(tmp_path):
    request = _next_narrative_request()  # Seoyeon (Seoul) is away then; David is in New York
    back = (request + timedelta(days=3)).date()
    later = (request + timedelta(days=1)).replace(hour=1, minute=0)  # 01:00 in Seoul the day after
    script = (
        ":as seoyeon\n:home\n:click home_away\n"
        f":submit until={back.isoformat()}\n"
        ":people\n:clock yesterday\n"
        f":clock {later:%Y-%m-%d %H:%M}\n"
        ":as david\n:people\n:quit\n"
    )
    result = run_console(tmp_path, script, "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    people = _after(out, "[seoyeon in #xlab-quantum-hardware-club]> :people")
    seoyeon = next(line for line in people.splitlines() if "@seoyeon" in line)
    assert "Asia/Seoul" in seoyeon and f"{back.isoformat()}까지 부재" in seoyeon  # Seoyeon reads Korean
    david = next(line for line in people.splitlines() if "@david" in line)
    assert "America/New_York" in david and "부재" not in david
    assert "(시계를 옮길 수 없습니다: 'yesterday': 2026-12-08 09:00처럼 날짜와 시각을 쓰세요" in out

    moved = _after(out, f"[seoyeon in #xlab-quantum-hardware-club]> :clock {later:%Y-%m-%d %H:%M}")
    # David's request arrives at 09:00 in New York, that is 22:00 or 23:00 in Seoul; Seoyeon, away, gets none
    ny_nine = datetime.combine(request.date(), datetime.min.time().replace(hour=9), tzinfo=ZoneInfo("America/New_York"))
    seoul_time = ny_nine.astimezone(ZoneInfo("Asia/Seoul"))
    header = f"── {seoul_time:%Y-%m-%d}({_KO_DAYS[seoul_time.weekday()]}) {seoul_time:%H:%M} Asia/Seoul ──"  # in Korean
    assert header in moved, moved
    assert moved.index("@clubbot → @david (DM)") > moved.index(header)
    assert "It is time for *Quantum Hardware Club*'s" in moved
    assert "@clubbot → @seoyeon" not in moved and "운영 보고서" not in moved
    assert f"이제 {later:%Y-%m-%d}({_KO_DAYS[later.weekday()]}) {later:%H:%M} Asia/Seoul입니다." in moved

    after = _after(out, "[david in #xlab-quantum-hardware-club]> :people")
    david_now = later.astimezone(ZoneInfo("America/New_York"))
    assert f"{david_now:%a %H:%M} America/New_York" in next(line for line in after.splitlines() if "@david" in line)
    assert "Traceback" not in out + result.stderr


KOREAN_STORY = """\
:clock {evening}
/club casebook pick "Quantum Hardware Club"
:as seoyeon
/club status
:help
/club output
:type doi=10.5555/xlab.demo.2026.001
:submit date=2026-02-30
:submit
:clock +2x
:clock +1d
:dm
:click casebook_consent_agree
:as secretariat
/club casebook list
/club casebook foreword
:close
/club report brief club:"Quantum Hardware Club"
:quit
"""


def _quiet_evening() -> datetime:
    """21:00 in Seoul on a coming weekday whose next day is a working day in Korea: outside both leaders' working
    hours (07:00 or 08:00 in New York), so the casebook's consent DMs wait, and both go within the next day."""
    seoul = ZoneInfo("Asia/Seoul")
    is_holiday = holiday_rule(seoul)
    day = datetime.now(seoul).date() + timedelta(days=1)
    while day.weekday() > 3 or is_holiday(day + timedelta(days=1)):  # Monday to Thursday, then a working day
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time().replace(hour=21), tzinfo=seoul)


def test_a_korean_leaders_story_reads_korean_throughout(tmp_path):
    """Seoyeon (a leader whose Slack is in Korean) and the secretariat read the console's own texts in Korean as
    well as the bot's: the help, the output form filled from its DOI, a date Slack would not send, the clock, the
    casebook's consent DM and its button, the casebook list, the foreword form and the December brief."""
    evening = _quiet_evening()
    day = evening.date()  # /club status is dated by the console's clock, moved to that evening first
    result = run_console(tmp_path, KOREAN_STORY.format(evening=f"{evening:%Y-%m-%d %H:%M}"), "--demo")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Traceback" not in out + result.stderr
    assert "/club help 로 시작하세요. 콘솔 명령어는 :help, 끝내려면 :quit." in out
    assert "2026년 우수사례집에 선정했습니다" in _after(out, '> /club casebook pick "Quantum Hardware Club"')
    assert "이제 @seoyeon(으)로 입력합니다." in out
    status = _after(out, "[seoyeon in #xlab-quantum-hardware-club]> /club status")
    assert "== Quantum Hardware Club " in status and " 현황 ==" in status
    assert f"{day.year}. {day.month}. {day.day}. 기준" in status  # Seoul's day (the clock's), not UTC's
    console_help = _after(out, "[seoyeon in #xlab-quantum-hardware-club]> :help")
    assert "콘솔 명령어:" in console_help and ":submit 이름=값 ..     입력 창을 채워 제출합니다" in console_help
    assert "Console commands" not in console_help

    form = _after(out, "> /club output")
    assert "(입력 창이 열렸습니다)" in form and "┌ 성과 기록" in form
    assert "[type] 유형 (하나 선택, 필수) = (비어 있음)" in form
    assert '└ [저장]  :submit 이름=값 ...  (여러 값: a,b / 띄어쓰기가 있는 값: "따옴표 안에")' in form
    filled = _after(out, "> :type doi=10.5555/xlab.demo.2026.001")
    assert "(입력 창이 바뀌었습니다)" in filled and "[date] 날짜 (날짜 YYYY-MM-DD, 선택) = 2026-11-02" in filled
    assert "(봇이 바꾼 입력 창은 :view 로 볼 수 있습니다)" in filled
    refused = _after(out, "> :submit date=2026-02-30")
    assert "! [date] '2026-02-30': 달력에 없는 날짜입니다(YYYY-MM-DD)" in refused
    assert "아무것도 제출하지 않았습니다" in refused
    assert "*o1*(으)로 저장하고" in _after(out, "> :submit\n")

    assert "(시계를 옮길 수 없습니다: '+2x': +3h, +2d, +30m, +1d6h처럼 쓰세요)" in out
    picked = _after(out, '> /club casebook pick "Quantum Hardware Club"')
    assert "@clubbot → @seoyeon (DM)" not in picked  # 21:00 in Seoul: the consent request waits for the morning
    moved = _after(out, "> :clock +1d")
    assert "시계를 " in moved and "(으)로 옮깁니다…" in moved and "Asia/Seoul ──" in moved
    asked = moved[moved.index("@clubbot → @seoyeon (DM)") :]
    assert "게재해도 될까요?" in asked and "[네, 이름과 함께 실어 주세요] (casebook_consent_agree" in asked
    assert "(활동 소식, 리더 서술, 인터뷰)" in asked
    assert re.search(r"그사이 메시지 \d+개가 나갔습니다\.", moved)  # the consent requests (and what else was due)
    agreed = _after(out, "[seoyeon in @clubbot]> :click casebook_consent_agree")
    assert "(메시지 수정)" in agreed and "응답: 이름과 글을 실어도 됩니다." in agreed

    listed = _after(out, "> /club casebook list")
    assert "(나에게만 보임)" in listed and "게재 동의: 동의 1 · 익명 0 · 거절 0 · 미응답 1" in listed
    assert "작성한 인터뷰 0건" in listed
    foreword = _after(out, "> /club casebook foreword")
    assert "┌ 사례집 머리말" in foreword and "[ko] 머리말(한국어) (글, 선택) = (비어 있음)" in foreword
    assert "(입력 창이 닫혔습니다)" in _after(out, "[secretariat in @clubbot]> :close")
    brief = _after(out, '> /club report brief club:"Quantum Hardware Club"')
    assert "12월 클럽 운영 회의 브리핑" in brief and "클럽 회의 0회(참석 0명)" in brief
    assert "새 성과 1건" in brief
