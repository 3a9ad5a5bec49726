"""The parents' page: what the assistant is, whose information, emergencies, then the widget."""

from __future__ import annotations

import logging
import os
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant.settings import get_settings
from web.settings import WebSettings

log = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

SOURCE_TITLE = "Cytokine Release Syndrome (CRS) After Immunotherapy"
SOURCE_PUBLISHER = "Together, a resource for people affected by pediatric cancer"
SOURCE_REVIEWED = "March 2019"


def tel_href(number: str) -> str:
    """A tap-to-call link target: digits, +, * and # only."""
    return "tel:" + re.sub(r"[^0-9+*#]", "", number)


# How long the widget keeps a conversation on the parent's device after the last message.
# Read here (not in WebSettings) until web/settings.py has a `transcript_ttl_hours` field;
# the page passes it to the widget as data-transcript-ttl-hours.
TRANSCRIPT_TTL_ENV = "CRS_TRANSCRIPT_TTL_HOURS"
DEFAULT_TRANSCRIPT_TTL_HOURS = 24
MAX_TRANSCRIPT_TTL_HOURS = 24 * 30


@lru_cache(maxsize=8)
def _parse_ttl_hours(raw: str) -> int:
    try:
        hours = int(raw.strip())
    except ValueError:
        hours = 0
    if 1 <= hours <= MAX_TRANSCRIPT_TTL_HOURS:
        return hours
    log.warning(
        "%s=%r is not a whole number of hours from 1 to %d: using %d",
        TRANSCRIPT_TTL_ENV,
        raw,
        MAX_TRANSCRIPT_TTL_HOURS,
        DEFAULT_TRANSCRIPT_TTL_HOURS,
    )
    return DEFAULT_TRANSCRIPT_TTL_HOURS


def transcript_ttl_hours() -> int:
    """CRS_TRANSCRIPT_TTL_HOURS (whole hours, 1 to 720), else 24; an invalid value logs a warning."""
    raw = os.environ.get(TRANSCRIPT_TTL_ENV, "")
    return _parse_ttl_hours(raw) if raw.strip() else DEFAULT_TRANSCRIPT_TTL_HOURS


TEMPLATES.env.filters["tel"] = tel_href
router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def parents_page(request: Request) -> HTMLResponse:
    web: WebSettings = request.app.state.web_settings
    return TEMPLATES.TemplateResponse(
        request,
        "index.html",
        {
            "title": web.page_title,
            "shared": get_settings(),
            "source_title": SOURCE_TITLE,
            "source_publisher": SOURCE_PUBLISHER,
            "source_reviewed": SOURCE_REVIEWED,
            "max_chars": web.max_message_chars,
            "transcript_ttl_hours": transcript_ttl_hours(),
        },
    )
