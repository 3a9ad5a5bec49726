import pytest

from assistant.settings import DEFAULT_CARE_TEAM_CONTACT, DEFAULT_DATABASE_URL, Settings, contact_text


def test_defaults_run_on_a_laptop():
    settings = Settings.from_env({})
    assert settings.emergency_number == "911"
    assert settings.care_team_phone is None
    assert settings.care_team_contact == DEFAULT_CARE_TEAM_CONTACT
    assert "discharge papers" in settings.care_team_contact
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.startswith("sqlite:///") and DEFAULT_DATABASE_URL.endswith("var/rasa.db")


def test_phone_number_becomes_the_contact_text():
    settings = Settings.from_env({"CRS_CARE_TEAM_PHONE": " 555-0100 "})
    assert settings.care_team_phone == "555-0100"
    assert settings.care_team_contact == "call them at 555-0100"


def test_explicit_contact_text_and_emergency_number_win():
    env = {
        "CRS_CARE_TEAM_CONTACT": "call the oncology desk at 555-0199",
        "CRS_CARE_TEAM_PHONE": "555-0100",
        "CRS_EMERGENCY_NUMBER": "999",
        "CRS_DATABASE_URL": "postgresql://u@127.0.0.1/crs",
    }
    settings = Settings.from_env(env)
    assert settings.care_team_contact == "call the oncology desk at 555-0199"
    assert settings.emergency_number == "999"
    assert settings.database_url == "postgresql://u@127.0.0.1/crs"


def test_blank_values_fall_back_to_defaults():
    settings = Settings.from_env({"CRS_EMERGENCY_NUMBER": "   ", "CRS_DATABASE_URL": ""})
    assert settings.emergency_number == "911"
    assert settings.database_url == DEFAULT_DATABASE_URL


def test_default_contact_covers_a_child_in_hospital():
    reply = f"To reach them, {Settings.from_env({}).care_team_contact}."
    assert "discharge papers" in reply
    assert "in the hospital, tell your child's nurse" in reply


@pytest.mark.parametrize(
    "phone",
    ["555-0100", "+1 (555) 010-0100", "5550100", "(555) 010 0100", "+44 20 7946 0958", "555.010.0100"],
)
def test_bare_phone_number_as_contact_reads_as_a_sentence(phone):
    settings = Settings.from_env({"CRS_CARE_TEAM_CONTACT": f"  {phone} "})
    assert settings.care_team_contact == f"call them at {phone}"
    assert f"To reach them, {settings.care_team_contact}." == f"To reach them, call them at {phone}."


@pytest.mark.parametrize(
    "contact",
    [
        "call the oncology desk at 555-0199",
        "page the on-call nurse through the switchboard",
        "ask for ward 7",
        "use the app",
    ],
)
def test_contact_sentences_are_kept_as_written(contact):
    assert contact_text(contact) == contact


def test_final_full_stop_is_dropped_so_the_reply_has_one():
    assert contact_text("call ward 7 on 555-0100.") == "call ward 7 on 555-0100"
    assert contact_text("555-0100.") == "call them at 555-0100"


def test_short_numbers_are_not_taken_for_a_phone_number():
    assert contact_text("42") == "42"
    assert contact_text("-") == "-"


def test_bare_phone_in_contact_wins_over_the_phone_setting():
    settings = Settings.from_env({"CRS_CARE_TEAM_CONTACT": "555-0199", "CRS_CARE_TEAM_PHONE": "555-0100"})
    assert settings.care_team_contact == "call them at 555-0199"
    assert settings.care_team_phone == "555-0100"


def test_the_tracker_store_retry_time_is_a_setting_with_bounds():
    assert Settings.from_env({}).db_retry_seconds == 5.0
    assert Settings.from_env({"CRS_DB_RETRY_SECONDS": "0.5"}).db_retry_seconds == 0.5
    for bad in ("soon", "-1", "301"):
        with pytest.raises(ValueError, match="CRS_DB_RETRY_SECONDS"):
            Settings.from_env({"CRS_DB_RETRY_SECONDS": bad})
