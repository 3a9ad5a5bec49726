"""Errors the chat API returns to the widget, each with a plain-language message."""

from __future__ import annotations


class ChatError(Exception):
    """An error shown to the parent. `code` is stable for the widget and tests."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def bad_request(code: str, message: str, status: int = 400) -> ChatError:
    return ChatError(status=status, code=code, message=message)


def error_body(error: ChatError, care_team: str, emergency: str) -> dict[str, object]:
    """The JSON body of every error response: what went wrong, and what to do for the child
    whatever it was (the message may have reported an emergency that was not answered)."""
    return {
        "error": {"code": error.code, "message": error.message},
        "care_team": care_team,
        "emergency": emergency,
    }


_FIELD_PROBLEMS = {
    "missing": "is missing",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "extra_forbidden": "is not expected",
}


def describe_validation_errors(errors: list[dict]) -> tuple[int, str, str]:
    """(status, code, message) for a request body FastAPI could not validate."""
    for error in errors:
        if error.get("type") == "json_invalid":
            return 400, "invalid_json", "The request body must be valid JSON."
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        problem = _FIELD_PROBLEMS.get(str(error.get("type")))
        if loc and problem:
            return 422, "invalid_field", f"The field '{loc[0]}' {problem}."
    return (
        422,
        "invalid_body",
        "The request body must be a JSON object with the expected fields.",
    )
