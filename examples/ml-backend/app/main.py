"""The HTTP API: embed a query, search the corpus, upload new documents."""

from __future__ import annotations

from fastapi import FastAPI, UploadFile

from app.search import Index

app = FastAPI(title="ml-backend")
index = Index()


@app.get("/search")
def search(q: str, k: int = 5) -> list[dict[str, object]]:
    return [{"id": doc_id, "score": score} for doc_id, score in index.search(q, k)]


@app.post("/documents")
async def upload(file: UploadFile) -> dict[str, int]:
    text = (await file.read()).decode("utf-8")
    return {"id": index.add(text)}
