from assistant.settings import DEFAULT_DATABASE_URL, Settings


def test_defaults_run_on_a_laptop():
    settings = Settings.from_env({})
    assert settings.emergency_number == "911"
    assert settings.care_team_phone is None
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
