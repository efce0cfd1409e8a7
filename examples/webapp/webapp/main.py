"""The ASGI application: `uvicorn webapp.main:app` (see the Procfile)."""

from __future__ import annotations

from fastapi import FastAPI

from webapp import routes

app = FastAPI(title="example")
app.include_router(routes.router)
