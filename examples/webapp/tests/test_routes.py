from __future__ import annotations

import pytest
from webapp import routes


def test_router_has_routes() -> None:
    assert routes.router.routes
    with pytest.raises(ZeroDivisionError):
        1 / 0  # noqa: B018
