"""Admin views shared by the apps: create, edit and delete with an audit entry,
and pages for moderators only."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet

from dateline.core import audit


class _Audited:
    """Admin create/edit/delete views that also write the audit log."""

    audit_fields: tuple[str, ...] = ()

    def _snapshot(self, instance: Any) -> dict[str, Any]:
        """The form's fields as JSON: related objects by id, dates as text."""
        data: dict[str, Any] = {}
        for name in self.audit_fields:
            field = instance._meta.get_field(name)
            if field.many_to_many:
                data[name] = sorted(
                    getattr(instance, name).values_list("pk", flat=True)
                )
            else:
                data[name] = getattr(instance, field.attname)
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class AuditedCreateView(_Audited, CreateView):
    def save_instance(self) -> Any:
        instance = super().save_instance()
        audit.record(
            actor=self.request.user,
            action=f"{instance._meta.model_name}.create",
            target=instance,
            after=self._snapshot(instance),
        )
        return instance


class AuditedEditView(_Audited, EditView):
    def save_instance(self) -> Any:
        before = self._snapshot(type(self.object).objects.get(pk=self.object.pk))
        instance = super().save_instance()
        audit.record(
            actor=self.request.user,
            action=f"{instance._meta.model_name}.edit",
            target=instance,
            before=before,
            after=self._snapshot(instance),
        )
        return instance


class AuditedDeleteView(_Audited, DeleteView):
    def delete_action(self) -> None:
        audit.record(
            actor=self.request.user,
            action=f"{self.object._meta.model_name}.delete",
            target=self.object,
            before=self._snapshot(self.object),
        )
        super().delete_action()


class AuditedModelViewSet(ModelViewSet):
    """A model's admin whose add, edit and delete are audited.

    The audit entry records the form's fields before and after the change.
    """

    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    delete_view_class = AuditedDeleteView
    copy_view_enabled = False  # Wagtail's copy view would create without an audit entry

    def _audited(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {"audit_fields": tuple(self.form_fields or ()), **kwargs}

    def get_add_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_add_view_kwargs(**self._audited(kwargs))

    def get_edit_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_edit_view_kwargs(**self._audited(kwargs))

    def get_delete_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_delete_view_kwargs(**self._audited(kwargs))


def _is_moderator(request: HttpRequest) -> bool:
    from dateline.discussion.actions import can_moderate

    return can_moderate(request.user)


def moderators_only(view: Any) -> Any:
    """An admin view that answers 403 to anyone who cannot moderate."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _is_moderator(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _is_moderator(request)
