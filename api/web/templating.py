"""The Jinja2 environment of the pages (built per app, autoescaped) and `render()`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
SEVERITY_LABELS = {"block": "Block", "warn": "Warning", "info": "Note"}
# A shape beside the word, so severity never rests on colour alone (and survives greyscale printing).
SEVERITY_ICONS = {"block": "\u2716", "warn": "\u26a0", "info": "\u2139"}


def build_environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(severity_labels=SEVERITY_LABELS, severity_icons=SEVERITY_ICONS)
    return environment


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    environment = request.app.state.web.templates
    assert isinstance(environment, Environment)
    page = {"principal": getattr(request.state, "web_principal", None), "path": request.url.path, **context}
    return HTMLResponse(environment.get_template(template).render(page), status_code=status)
