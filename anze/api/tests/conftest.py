"""Keys and clients of the API's tests, on the cast (``anze.core.testing.cast``): the insurer's 管理员 ``clerk``
creates the keys; ``other_clerk``'s insurer must see nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from anze.accounts.models import User
from anze.api import keys
from anze.core.testing import factories
from anze.core.testing.cast import Cast

V1 = "/api/v1"


class Api:
    """A test client that sends ``Authorization: Bearer <token>`` (none without a token)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, data: Any = None, **headers: str) -> Any:
        return self.client.get(V1 + path, data, headers={**self.headers, **headers})

    def post(self, path: str, data: Any = None, *, json: bool = True, **headers: str) -> Any:
        if json:
            return self.client.post(
                V1 + path, data or {}, content_type="application/json", headers={**self.headers, **headers}
            )
        return self.client.post(V1 + path, data or {}, headers={**self.headers, **headers})


@pytest.fixture
def cast(cast: Cast) -> Cast:
    return cast.on_stage("clerk", "other_clerk", "applicant", "org_admin")


@pytest.fixture
def token_for(cast: Cast) -> Callable[..., str]:
    """``token_for(*scopes, actor=cast.clerk)``: a new key's token (every API scope by default)."""

    def make(*scopes: str, actor: User | None = None, name: str | None = None) -> str:
        _, token = keys.key_create(
            actor=actor or cast.clerk,
            name=name or f"核心系统{factories._seq.__next__()}",
            scopes=list(scopes or keys.API_SCOPES),
        )
        return token

    return make


@pytest.fixture
def api(token_for: Callable[..., str]) -> Api:
    """The insurer's core system: a key with every scope."""
    return Api(token_for())


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[..., Api]:
    """``api_as(*scopes)``: a core system whose key carries only these scopes."""
    return lambda *scopes, **kw: Api(token_for(*scopes, **kw))


@pytest.fixture
def other_api(cast: Cast, token_for: Callable[..., str]) -> Api:
    """Another insurer's core system, with every scope."""
    return Api(token_for(actor=cast.other_clerk))
