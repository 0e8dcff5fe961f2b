"""The embed's changes: a page's thread, made on its first view; the list
of sites that may embed."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dateline.core import audit
from dateline.core.errors import NotFound, PermissionDenied
from dateline.discussion import actions as discussion
from dateline.discussion.models import Thread
from dateline.embed import pages, selectors, sso
from dateline.embed.models import EmbedIdentity, EmbedSite


def thread_for_page(*, url: str, title: str = "") -> Thread:
    """The thread of the external page at ``url``, created on first view.

    Only pages of an active embedding site get one (PermissionDenied
    otherwise), so nobody can create threads for pages anywhere on the web.
    """
    found = selectors.canonical(url)
    if found is None:
        raise PermissionDenied(
            _("This site does not host comments for pages at %(url)s.")
            % {"url": url[:200]},
            code="origin_not_allowed",
        )
    return discussion.thread_ensure(url=found[1], title=title)


@transaction.atomic
def site_add(*, origin: str, name: str = "", actor: Any = None) -> EmbedSite:
    """Allow pages at ``origin`` to embed threads (again, when it was off)."""
    site, created = EmbedSite.objects.get_or_create(
        origin=pages.origin(origin), defaults={"name": name[:100]}
    )
    if not created and not site.is_active:
        site.is_active = True
        site.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="embedsite.create" if created else "embedsite.edit",
        target=site,
        after={"origin": site.origin, "is_active": True},
    )
    return site


@transaction.atomic
def site_remove(*, origin: str, actor: Any = None) -> str:
    """Stop pages at ``origin`` embedding threads; their threads stay."""
    site = EmbedSite.objects.filter(origin=pages.origin(origin)).first()
    if site is None:
        raise NotFound(_("%(origin)s is not on the list.") % {"origin": origin[:200]})
    audit.record(
        actor=actor,
        action="embedsite.delete",
        target=site,
        before={"origin": site.origin, "is_active": site.is_active},
    )
    site.delete()
    return pages.origin(origin)


@transaction.atomic
def sso_member(*, site: EmbedSite, claims: sso.Claims) -> Any:
    """The member a publisher's reader is here: made on their first visit,
    their name kept as the publisher says. An address already used by an
    account here is not taken over (the two stay apart)."""
    identity = (
        EmbedIdentity.objects.select_related("user")
        .filter(site=site, external_id=claims.external_id)
        .first()
    )
    users = get_user_model()
    if identity is not None:
        user = identity.user
        if user.first_name != claims.name[:150]:
            user.first_name = claims.name[:150]
            user.save(update_fields=["first_name"])
        return user
    base = slugify(claims.name)[:120] or "reader"
    username, n = base, 1
    while users.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    email = claims.email
    if email and users.objects.filter(email__iexact=email).exists():
        email = ""
    user = users.objects.create_user(
        username=username, email=email, first_name=claims.name[:150]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    EmbedIdentity.objects.create(site=site, external_id=claims.external_id, user=user)
    return user


@transaction.atomic
def site_new_sso_secret(*, origin: str, actor: Any = None) -> str:
    """A new single sign-on secret for the site at ``origin`` (the old one
    stops working at once); audited without the secret itself."""
    site = EmbedSite.objects.filter(origin=pages.origin(origin)).first()
    if site is None:
        raise NotFound(_("%(origin)s is not on the list.") % {"origin": origin[:200]})
    site.sso_secret = secrets.token_urlsafe(32)
    site.save(update_fields=["sso_secret"])
    audit.record(
        actor=actor, action="embedsite.sso_secret", target=site, after={"new": True}
    )
    return site.sso_secret
