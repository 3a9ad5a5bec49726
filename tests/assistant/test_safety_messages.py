"""The other-language safety messages file (languages/safety_messages.yml)."""

import pytest

from assistant.safety_messages import (
    SafetyMessagesError,
    load_safety_messages,
    parse_safety_messages,
    read_safety_messages,
)
from assistant.settings import Settings

# The list: every one must have a message.
REQUIRED = ("es", "zh", "vi", "ar", "fr", "pt", "ru", "ht", "ko", "tl")


def settings(phone=None) -> Settings:
    return Settings(
        care_team_contact="x", care_team_phone=phone, emergency_number="112", database_url="sqlite://"
    )


def test_the_project_file_covers_the_required_languages_with_the_numbers():
    messages = load_safety_messages()
    assert messages.enabled
    for code in REQUIRED:
        message = messages.get(code)
        assert message is not None, code
        rendered = message.render(settings("+1 555 0100"))
        assert "112" in rendered and "+1 555 0100" in rendered and "{" not in rendered, code
    assert messages.get("ar").direction == "rtl"
    assert messages.get("es").render(settings()).count("112") == 1


def test_switched_off_the_file_gives_no_message():
    messages = parse_safety_messages(
        {"enabled": False, "messages": {"es": {"text": "llame al {emergency_number}"}}}
    )
    assert messages.get("es") is None


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([], "expected a mapping"),
        ({"enabled": "yes"}, "must be true or false"),
        ({"messages": {"es": {"text": "sin número"}}}, "must contain {emergency_number}"),
        ({"messages": {"es": {"text": "{emergency_number} {dose}"}}}, "unknown placeholder"),
        ({"messages": {"spanish!": {"text": "{emergency_number}"}}}, "ISO 639"),
        ({"messages": {"es": {"text": ""}}}, "non-empty `text`"),
        ({"messages": {"ar": {"text": "{emergency_number}", "direction": "up"}}}, "ltr or rtl"),
    ],
)
def test_a_malformed_file_is_refused_with_what_is_wrong(data, error):
    with pytest.raises(SafetyMessagesError, match=error):
        parse_safety_messages(data)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "messages.yml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(SafetyMessagesError, match="cannot be read"):
        read_safety_messages(path)
