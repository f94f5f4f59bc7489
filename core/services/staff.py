"""Staff accounts for the admin: Argon2id passwords and single-use sign-in links.

Argon2id (argon2-cffi) is OWASP's first recommendation for password storage: memory-hard,
salted, and `check_needs_rehash` lets parameters grow later without a migration.
A sign-in link carries the staff id and the time of the last sign-in; signing in moves
that time on, so a link works once, and only within its expiry.
"""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from core.links import Links
from core.storage.clock import utcnow
from core.storage.models import Shop, StaffUser

ROLES = ("owner", "agent")
MAGIC = "wismo.admin.magic"
INVITE = "wismo.admin.invite"
MAGIC_MAX_AGE = 15 * 60  # a link sent by email on request
INVITE_MAX_AGE = 72 * 3600  # the one `wismo shops add` prints for the first owner
MIN_PASSWORD = 10
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for an online attack

_hasher = PasswordHasher()
# A hash to verify against when the email is unknown, so both cases take the same time.
_DUMMY = _hasher.hash("wismo-no-such-user")


def hash_password(password: str) -> str:
    """The Argon2id hash to store; a short, common or repetitive password is refused."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    # zxcvbn checks offline against common passwords, names, words, keyboard rows and
    # repeats ("aaaaaaaaaa", "1234567890", "password123" all score 0); the cut bounds its time
    verdict = zxcvbn(password[:100])
    if verdict["score"] < MIN_SCORE:
        warning = verdict["feedback"].get("warning") or "it is too easy to guess"
        raise ValueError(f"choose a harder password: {warning.rstrip('.')}; a few words work well")
    return _hasher.hash(password)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def add_staff(
    session: Session, shop: Shop, email: str, role: str, password: str | None = None
) -> StaffUser:
    """Create (or update the role and password of) a staff account of `shop`."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    email = normalize_email(email)
    if "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    staff = session.scalar(
        select(StaffUser).where(StaffUser.shop_id == shop.id, StaffUser.email == email)
    )
    if staff is None:
        staff = StaffUser(shop_id=shop.id, email=email, role=role)
        session.add(staff)
    staff.role = role
    if password is not None:
        staff.password_hash = hash_password(password)
    session.flush()
    return staff


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The staff account these credentials open, or None (same work either way)."""
    rows = session.scalars(
        select(StaffUser)
        .join(Shop, Shop.id == StaffUser.shop_id)
        .where(func.lower(StaffUser.email) == normalize_email(email), Shop.active.is_(True))
        .order_by(StaffUser.id)
    ).all()
    found = None
    candidates: list[StaffUser | None] = list(rows) or [None]
    for staff in candidates:
        stored = staff.password_hash if staff and staff.password_hash else _DUMMY
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            continue
        if staff is not None and staff.password_hash:
            found = staff
            if _hasher.check_needs_rehash(stored):
                staff.password_hash = _hasher.hash(password)
            break
    return found


def staff_by_email(session: Session, email: str) -> list[StaffUser]:
    """Every account with this email (one person may staff several shops)."""
    return list(
        session.scalars(
            select(StaffUser).where(func.lower(StaffUser.email) == normalize_email(email))
        )
    )


def _stamp(staff: StaffUser) -> str:
    return staff.last_login_at.isoformat() if staff.last_login_at else "never"


def sign_in_token(links: Links, staff: StaffUser, purpose: str = MAGIC) -> str:
    """A signed, single-use sign-in token for `staff`."""
    return links.token(purpose, staff.id, _stamp(staff))


def token_owner(
    session: Session, links: Links, token: str, purpose: str = MAGIC
) -> StaffUser | None:
    """The staff a valid, unused, unexpired token is for (without spending it)."""
    max_age = MAGIC_MAX_AGE if purpose == MAGIC else INVITE_MAX_AGE
    ids = links.read(purpose, token, max_age=max_age)
    if not ids or len(ids) != 2:
        return None
    staff = session.get(StaffUser, ids[0])
    if staff is None or ids[1] != _stamp(staff):
        return None
    return staff


def redeem_token(
    session: Session, links: Links, token: str, purpose: str = MAGIC
) -> StaffUser | None:
    """The staff a valid, unused, unexpired token is for; marks it used."""
    staff = token_owner(session, links, token, purpose)
    if staff is not None:
        mark_signed_in(staff)
    return staff


def mark_signed_in(staff: StaffUser, now: datetime | None = None) -> None:
    """Record a sign-in (which also spends every sign-in link issued before it)."""
    staff.last_login_at = now or utcnow()
