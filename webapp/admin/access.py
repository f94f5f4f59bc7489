"""Who is signed in: one seam that resolves the request to a shop and a role.

`principal()` asks each registered resolver in turn; the first that recognises the
request wins. The standalone admin's resolver reads the Flask session (signed cookie)
set at sign-in. Inside Shopify's embedded admin a session-token resolver (a JWT in the
Authorization header, verified with the app secret) can be added with
`add_resolver(app, resolver, first=True)` and every view keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Request, abort, current_app, g, redirect, request, session, url_for

from core.storage.models import Shop, StaffUser
from wismo.sdk.web import (
    AGENT,
    OWNER,
    ROLES,
    Principal,
    Resolver,
    add_resolver,
    added_resolvers,
)

from ..context import wismo

__all__ = ["AGENT", "OWNER", "ROLES", "Principal", "Resolver", "add_resolver"]


def session_resolver(req: Request) -> Principal | None:
    """The standalone admin: a staff id in the signed session cookie, checked against the row."""
    staff_id, shop_id, stamp = session.get("staff"), session.get("shop"), session.get("stamp")
    if not isinstance(staff_id, int) or not isinstance(shop_id, int):
        return None
    with wismo().session() as s:
        staff = s.get(StaffUser, staff_id)
        shop = s.get(Shop, shop_id)
        if staff is None or shop is None or staff.shop_id != shop.id or not shop.active:
            return None
        if stamp != session_stamp(staff):  # password changed or role changed: sign in again
            return None
        return Principal(
            shop.id, staff.role, staff.email, staff.id, "session", shop.name, locale=staff.locale
        )


def session_stamp(staff: StaffUser) -> str:
    """Changes on sign-out and when the password or role changes, ending every older session."""
    return f"{staff.role}:{(staff.password_hash or '')[-12:]}:{staff.session_generation or 0}"


def end_sessions(staff_id: int) -> None:
    """Sign-out: bump the staff member's generation, so no copy of any cookie works again."""
    with wismo().session() as s, s.begin():
        staff = s.get(StaffUser, staff_id)
        if staff is not None:
            staff.session_generation = (staff.session_generation or 0) + 1


def resolvers(app: Flask) -> list[Resolver]:
    """The app's resolver chain: plugged-in ones first, then the session, then later ones."""
    before, after = added_resolvers(app)
    return [*before, session_resolver, *after]


def principal() -> Principal | None:
    """Who this request is from, resolved once per request."""
    if "admin_principal" not in g:
        g.admin_principal = next(
            (p for r in resolvers(current_app) if (p := r(request)) is not None), None
        )
    return cast(Principal | None, g.admin_principal)


def sign_in(staff: StaffUser) -> None:
    """Start a fresh session for `staff` (a new cookie: no session fixation)."""
    language = session.get("admin_locale")
    session.clear()
    if language:
        session["admin_locale"] = language  # the language chosen before signing in stays
    session.permanent = True
    session["staff"], session["shop"], session["stamp"] = (
        staff.id,
        staff.shop_id,
        session_stamp(staff),
    )


F = TypeVar("F", bound=Callable[..., Any])


def staff_required(role: str = AGENT) -> Callable[[F], F]:
    """A view for signed-in staff; owner-only views 403 for agents."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            who = principal()
            if who is None:
                return redirect(url_for("admin.sign_in", next=request.full_path.rstrip("?")))
            if role == OWNER and not who.is_owner:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def me() -> Principal:
    """The principal inside a staff_required view."""
    who = principal()
    assert who is not None
    return who


def owned(s: Any, model: type, object_id: int) -> Any:
    """The row of the signed-in shop with this id, or 404 (never another shop's row)."""
    row = s.get(model, object_id)
    if row is None or getattr(row, "shop_id", None) != me().shop_id:
        abort(404)
    return row


def current_shop(s: Any) -> Shop:
    """The signed-in shop's row in session `s`."""
    shop = s.get(Shop, me().shop_id)
    if shop is None:
        abort(404)
    return cast(Shop, shop)
