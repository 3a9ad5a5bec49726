"""The parents' page: what the assistant is, whose information, emergencies, then the widget."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant.settings import get_settings
from web.settings import WebSettings

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

SOURCE_TITLE = "Cytokine Release Syndrome (CRS) After Immunotherapy"
SOURCE_PUBLISHER = "Together, a resource for people affected by pediatric cancer"
SOURCE_REVIEWED = "March 2019"


def tel_href(number: str) -> str:
    """A tap-to-call link target: digits, +, * and # only."""
    return "tel:" + re.sub(r"[^0-9+*#]", "", number)


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
            "transcript_ttl_hours": web.transcript_ttl_hours,
        },
    )
