"""The API object's class: django-ninja's, with the schema built once."""

from __future__ import annotations

import weakref
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

_apis: weakref.WeakSet[DatelineAPI] = weakref.WeakSet()


class DatelineAPI(NinjaAPI):
    """NinjaAPI with its OpenAPI schema built once per path prefix: built
    for every ``GET /api/openapi.json``, it took 180 ms of CPU, for anyone
    who asked. The routes do not change while the process runs; the limits
    the schema states come from settings, which only tests change (and then
    it is built again)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built: dict[str, OpenAPISchema] = {}
        _apis.add(self)

    def get_openapi_schema(
        self,
        *,
        path_prefix: str | None = None,
        path_params: dict[str, Any] | None = None,
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        found = self._built.get(path_prefix)
        if found is None:
            found = self._built[path_prefix] = super().get_openapi_schema(
                path_prefix=path_prefix
            )
        return found


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    for api in _apis:
        api._built.clear()
