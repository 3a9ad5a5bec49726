"""The parents' page: what the assistant is, whose information, emergencies, then the widget."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant.settings import Settings
from web.settings import WebSettings, get_shared_settings_from_app, get_web_settings_from_app

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
async def parents_page(
    request: Request,
    web: Annotated[WebSettings, Depends(get_web_settings_from_app)],
    shared: Annotated[Settings, Depends(get_shared_settings_from_app)],
) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(
        request,
        "index.html",
        {
            "title": web.page_title,
            "shared": shared,
            "source_title": SOURCE_TITLE,
            "source_publisher": SOURCE_PUBLISHER,
            "source_reviewed": SOURCE_REVIEWED,
            "max_chars": web.max_message_chars,
            "transcript_ttl_hours": web.transcript_ttl_hours,
        },
    )
