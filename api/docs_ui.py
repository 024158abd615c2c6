"""`/docs`: Swagger UI served from this process, so it works offline and under the strict CSP.

FastAPI's default page loads Swagger UI from a CDN and starts it with an inline
script; the document policy (`script-src 'self'`, `style-src 'self'`) blocks
both, so the page was blank. Here the assets come from the `fastapi-offline`
package (Swagger UI 5's dist files, which render OpenAPI 3.1 as FastAPI writes it;
no network at build or run time; only its static folder is used) and the
start-up code is a same-origin script, so the policy needs no exception.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

# Read at start-up from the installed package; Swagger UI 4 (swagger-ui-bundle on PyPI) cannot
# render OpenAPI 3.1 and showed "Unable to render this definition".
ASSETS_DIRECTORY = Path(str(files("fastapi_offline"))) / "static"

DOCS_PATH = "/docs"
ASSETS_PATH = "/docs/assets"
INIT_PATH = "/docs/init.js"

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Carepost API</title>
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="{INIT_PATH}"></script>
</body>
</html>
"""

INIT_SCRIPT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""


def install_docs(app: FastAPI) -> None:
    """Serve the page, its start-up script and the Swagger UI assets (create the app with docs_url=None)."""

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get(INIT_PATH, include_in_schema=False)
    def docs_init() -> Response:
        return Response(INIT_SCRIPT, media_type="text/javascript")

    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS_DIRECTORY), name="docs-assets")
