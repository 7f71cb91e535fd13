"""`/club help` answers in the caller's language; a typo gets the problem, a suggestion and the way to help."""

from __future__ import annotations

import logging

from storage.models import SlackUser
from tests.support import seen_by_user


def test_help_answers_in_korean_for_a_korean_slack_locale(slack):
    reply = seen_by_user(slack.command(slack.admin, slack.secretariat, "help"))
    assert "클럽의 교류를 이어 가는 도우미" in reply
    assert "/club help [명령어]" in reply


def test_help_answers_in_english_for_an_english_locale(slack):
    anna = slack.person("anna", locale="en-GB")
    channel = slack.channel("general", [anna])
    delivery = slack.command(anna, channel, "help")
    assert delivery.status == 200 and delivery.acked_in_time
    reply = seen_by_user(delivery)
    assert "keeping your X-Lab Day club working together" in reply
    assert "/club help [COMMAND]" in reply
    assert delivery.json["response_type"] == "ephemeral"  # nobody else sees it


def test_an_empty_command_shows_help(slack):
    assert "클럽의 교류를 이어 가는 도우미" in seen_by_user(slack.command(slack.admin, slack.secretariat, ""))


def test_a_typo_names_the_problem_and_suggests_the_command(slack):
    anna = slack.person("anna")
    reply = seen_by_user(slack.command(anna, slack.channel("general", [anna]), "hepl"))
    assert "`hepl` is not a /club command." in reply
    assert "Did you mean `/club help`?" in reply
    assert "Type `/club help` to see every command." in reply


def test_help_on_one_command_explains_it_and_who_may_use_it(slack):
    reply = seen_by_user(slack.command(slack.admin, slack.secretariat, "help help"))
    assert "/club help [명령어]" in reply
    assert "사용 권한" in reply


def test_help_on_an_unknown_command_says_so(slack):
    reply = seen_by_user(slack.command(slack.admin, slack.secretariat, "도움말 frobnicate"))
    assert "`frobnicate`(이)라는 /club 명령어는 없습니다." in reply


def stored_locale(slack, user_id: str) -> str | None:
    with slack.db.session() as session:
        row = session.get(SlackUser, user_id)
        return row.locale if row else None


def test_a_persons_language_is_remembered_across_processes_without_asking_slack_again(slack):
    anna = slack.person("anna", locale="en-GB")
    channel = slack.channel("general", [anna])
    seen_by_user(slack.command(anna, channel, "help"))
    assert slack.standin.wait_for(lambda: stored_locale(slack, anna) == "en-GB")  # written aside, shortly after
    asked = len(slack.standin.calls_to("users.info"))
    slack.runtime.slack.forget_all()  # another gunicorn worker, or a restart: nothing in memory
    assert "keeping your X-Lab Day club working together" in seen_by_user(slack.command(anna, channel, "help"))
    assert len(slack.standin.calls_to("users.info")) == asked


def test_when_slack_cannot_say_a_persons_locale_the_answer_comes_at_once_in_the_default_language(slack):
    from bot.standin import FaultPlan

    anna = slack.person("anna", locale="en-GB")
    channel = slack.channel("general", [anna])
    slack.standin.inject(FaultPlan(kind="ratelimited", rate=1.0, methods={"users.info"}, retry_after=30))
    first = slack.command(anna, channel, "help")
    assert first.acked_in_time
    assert "클럽의 교류를 이어 가는 도우미" in seen_by_user(first)  # CLUBBOT_LANGUAGE=ko in the test settings
    asked = len(slack.standin.calls_to("users.info"))
    seen_by_user(slack.command(anna, channel, "help"))
    assert len(slack.standin.calls_to("users.info")) <= asked + 1  # not once more per request: remembered a while


def test_slack_rate_limiting_a_locale_lookup_is_not_logged_as_a_fault(slack, caplog):
    """Under load Slack spends the users.info budget; each person answered in the default language must not add a
    warning to the log (it would bury real faults)."""
    from bot.standin import FaultPlan

    people = [slack.person(f"p{n}", locale="en-GB") for n in range(3)]
    channel = slack.channel("general", people)
    slack.standin.inject(FaultPlan(kind="ratelimited", rate=1.0, methods={"users.info"}, retry_after=30))
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        for person in people:
            assert slack.command(person, channel, "help").acked_in_time
        assert slack.standin.wait_for(lambda: len(slack.standin.calls_to("users.info")) >= 3)

        def locale_records() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "bot.runtime" and "locale of" in r.getMessage()]

        slack.standin.wait_for(lambda: bool(locale_records()))  # the lookup logs a moment after Slack answers it
    about_locales = locale_records()
    assert about_locales, "the default language was used without a word in the log"
    assert all(r.levelno == logging.INFO for r in about_locales)
