"""The scholarly settings: defaults, trailing slashes, validation with one line naming the variable."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults():
    settings = load_settings({}, env_file=None)
    assert settings.crossref_url == "https://api.crossref.org"
    assert settings.openalex_url == "https://api.openalex.org"
    assert settings.openalex_api_key is None
    assert settings.contact_email is None


def test_given_values():
    settings = load_settings(
        {
            "CLUBBOT_CROSSREF_URL": "http://127.0.0.1:8080/crossref/",
            "CLUBBOT_OPENALEX_URL": "https://openalex.example.org",
            "CLUBBOT_OPENALEX_API_KEY": " k-123 ",
            "CLUBBOT_CONTACT_EMAIL": "secretariat@example.org",
        },
        env_file=None,
    )
    assert settings.crossref_url == "http://127.0.0.1:8080/crossref"
    assert settings.openalex_url == "https://openalex.example.org"
    assert settings.openalex_api_key == "k-123"
    assert settings.contact_email == "secretariat@example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLUBBOT_CROSSREF_URL", "api.crossref.org"),
        ("CLUBBOT_CROSSREF_URL", "ftp://api.crossref.org"),
        ("CLUBBOT_OPENALEX_URL", "https://api.openalex.org/?x=1"),
        ("CLUBBOT_CONTACT_EMAIL", "not an address"),
        ("CLUBBOT_CONTACT_EMAIL", "a@b"),
    ],
)
def test_malformed_values_name_their_variable(name, value):
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, env_file=None)
    assert str(caught.value).startswith(name)
    assert "\n" not in str(caught.value)
