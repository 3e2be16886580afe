"""Clinic mode in the database: one diary per signed-in person, sharing by consent, audit.

``Clinic(sql_store)`` turns a signed-in ``Identity`` (``backcare.accounts``) into an
account, and hands out the only two ways to reach a diary:

- ``clinic.person(account_id)``: a ``PersonStore``, the ``Store`` interface bound to one
  account. Every method checks that the owner it is given (or the entry's owner) is that
  account and raises ``NotAllowed`` otherwise, so a page that passed the wrong owner gets
  an error, never another person's rows.
- ``clinic.shared(clinician, patient_id)``: a ``SharedView``, read-only, for a clinician
  the patient gave a share code to. Every read first checks, in the database, that the
  grant is still live: once the patient withdraws it, the next read is refused.

A share code is 64 random bits shown as ``XXXX-XXXX-XXXXX``; only its SHA-256 is kept.
It can be used once, by a clinician, within ``ClinicSettings.share_code_days``. A code
that is unknown, used or expired gets one plain message (``ShareCodeError``). Every time
a clinician opens a code, views a diary or downloads from it, a row goes into the audit,
which the patient reads ("who looked at my diary, when").

``delete_account`` removes everything of a person: diary, results, records, share codes,
grants both ways, the audit of their diary and the account itself. Audit rows that name
them as the clinician who looked stay with the patients whose diaries they are.
"""

from __future__ import annotations

import base64
import builtins
import hashlib
import logging
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from backcare.accounts import Identity, Role
from backcare.diary.model import Entry, Event, Screening, new_id
from backcare.storage import (
    Mode,
    SqlStore,
    StorageError,
    StoredRecord,
    accounts_table,
    audit_table,
    grants_table,
    row_scope,
    serialise_schema_changes,
    share_codes_table,
)

if TYPE_CHECKING:
    import pandas as pd

ACCOUNT_PREFIX = "acct-"
# What the patient reads in "who looked at my diary": the audit's action keys, in words.
ACTIONS: dict[str, str] = {
    "claimed": "opened your share code",
    "viewed": "looked at your diary and results",
    "pdf": "downloaded your clinician summary (PDF)",
    "fhir": "downloaded your health-record file (FHIR)",
}
CODE_HELP = "Ask the patient for a new code: each one works once, for a few days."


class NotAllowed(PermissionError):
    """This account may not do that (another person's rows, a share without consent)."""


class ShareCodeError(ValueError):
    """A share code that is unknown, mistyped, used or expired: one plain message."""


def _now() -> datetime:
    """UTC to the second, stored without a zone (as the records' saved_at)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """A code as typed (any case, with or without dashes or spaces), as kept."""
    return "".join(code.split()).replace("-", "").upper()


@dataclass(frozen=True)
class Account:
    id: str
    issuer: str
    subject: str
    role: Role
    email: str
    name: str
    created_at: datetime  # UTC

    @property
    def label(self) -> str:
        return Identity(self.issuer, self.subject, self.role, self.email, self.name).label


@dataclass(frozen=True)
class ShareCode:
    code: str  # shown to the patient once; never kept
    expires_at: datetime  # UTC


@dataclass(frozen=True)
class Share:
    """One grant: ``other`` is the clinician (for the patient) or the patient (for the
    clinician)."""

    other: Account
    granted_at: datetime  # UTC
    withdrawn_at: datetime | None

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class AuditRow:
    at: datetime  # UTC
    who: str  # the clinician's name and e-mail at the time
    action: str  # a key of ACTIONS

    @property
    def what(self) -> str:
        return ACTIONS.get(self.action, self.action)


def _account(row: Any) -> Account:
    return Account(row.id, row.issuer, row.subject, row.role, row.email, row.name, row.created_at)


class Clinic:
    """Accounts, sharing and audit over one SQL database (PostgreSQL, or SQLite)."""

    def __init__(self, sql: SqlStore) -> None:
        self.sql = sql
        if sql.engine.dialect.name == "postgresql" and not sql.row_security:
            secure_rows(sql)

    # -- accounts

    def account(self, who: Identity) -> Account:
        """The account of this identity, made on its first sign-in (safe when two servers
        see the same first sign-in at once); its e-mail, name and role as seen now."""
        t = accounts_table
        key = (t.c.issuer == who.issuer, t.c.subject == who.subject)
        values = {"email": who.email, "name": who.name, "role": who.role}
        for attempt in range(2):
            try:
                with self.sql._write() as conn:
                    row = conn.execute(sa.select(t).where(*key)).first()
                    if row is None:
                        conn.execute(
                            t.insert().values(
                                id=ACCOUNT_PREFIX + uuid.uuid4().hex,
                                issuer=who.issuer,
                                subject=who.subject,
                                created_at=_now(),
                                **values,
                            )
                        )
                    elif (row.email, row.name, row.role) != (who.email, who.name, who.role):
                        conn.execute(t.update().where(*key).values(**values))
                    return _account(conn.execute(sa.select(t).where(*key)).one())
            except StorageError:
                if attempt:  # the other server made it between our read and insert
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def find(self, account_id: str) -> Account | None:
        with self.sql._read() as conn:
            row = conn.execute(
                sa.select(accounts_table).where(accounts_table.c.id == account_id)
            ).first()
        return None if row is None else _account(row)

    def person(self, account_id: str) -> PersonStore:
        """The diary of this account and nothing else."""
        return PersonStore(self, account_id)

    def delete_account(self, account_id: str) -> int:
        """Everything of this person, in one transaction; returns the entries removed."""
        with row_scope(account_id), self.sql._write() as conn:
            removed = self.sql.delete_all_in(conn, account_id)
            conn.execute(share_codes_table.delete().where(share_codes_table.c.owner == account_id))
            g = grants_table
            conn.execute(
                g.delete().where(sa.or_(g.c.owner == account_id, g.c.clinician == account_id))
            )
            conn.execute(audit_table.delete().where(audit_table.c.owner == account_id))
            conn.execute(accounts_table.delete().where(accounts_table.c.id == account_id))
        return removed

    # -- sharing: the patient's side

    def new_share_code(self, owner: str, days: int) -> ShareCode:
        """A new single-use code for ``owner``'s diary, valid for ``days`` days."""
        raw = base64.b32encode(secrets.token_bytes(8)).decode().rstrip("=")  # 13 characters
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        now = _now()
        expires = now + timedelta(days=days)
        with self.sql._write() as conn:
            conn.execute(
                share_codes_table.insert().values(
                    code_hash=_hash(code), owner=owner, created_at=now, expires_at=expires
                )
            )
        return ShareCode(code, expires)

    def shares(self, owner: str) -> list[Share]:
        """The clinicians who can see (or could see) ``owner``'s diary, newest first."""
        return self._shares(grants_table.c.owner == owner, grants_table.c.clinician)

    def withdraw(self, owner: str, clinician_id: str) -> bool:
        """Stop a clinician seeing ``owner``'s diary; False when there was nothing live."""
        g = grants_table
        with self.sql._write() as conn:
            done = conn.execute(
                g.update()
                .where(
                    g.c.owner == owner, g.c.clinician == clinician_id, g.c.withdrawn_at.is_(None)
                )
                .values(withdrawn_at=_now())
            )
        return done.rowcount > 0

    def audit(self, owner: str) -> list[AuditRow]:
        """Who looked at ``owner``'s diary, and when: newest first."""
        a = audit_table
        with self.sql._read() as conn:
            rows = conn.execute(
                sa.select(a.c.at, a.c.actor_label, a.c.action)
                .where(a.c.owner == owner)
                .order_by(a.c.seq.desc())
            )
            return [AuditRow(r.at, r.actor_label, r.action) for r in rows]

    # -- sharing: the clinician's side

    def claim(self, clinician: Account, code: str) -> Account:
        """A clinician enters a patient's code: the grant is made (once, even when two
        clinicians try the same code at once) and the patient's account returned."""
        if clinician.role != "clinician":
            raise NotAllowed("only a clinician's account can open a patient's share code")
        now = _now()
        s = share_codes_table
        with self.sql._write() as conn:
            owner = conn.execute(
                sa.select(s.c.owner).where(
                    s.c.code_hash == _hash(code), s.c.used_at.is_(None), s.c.expires_at > now
                )
            ).scalar_one_or_none()
            taken = 0
            if owner is not None and owner != clinician.id:
                taken = conn.execute(
                    s.update()
                    .where(s.c.code_hash == _hash(code), s.c.used_at.is_(None))
                    .values(used_at=now, used_by=clinician.id)
                ).rowcount
            if owner is None or taken != 1:
                raise ShareCodeError(
                    "This code does not open a diary: it may be mistyped, already used or "
                    f"out of date. {CODE_HELP}"
                )
            g = grants_table
            conn.execute(g.delete().where(g.c.owner == owner, g.c.clinician == clinician.id))
            conn.execute(g.insert().values(owner=owner, clinician=clinician.id, granted_at=now))
            self._log(conn, owner, clinician, "claimed")
            row = conn.execute(sa.select(accounts_table).where(accounts_table.c.id == owner)).one()
        return _account(row)

    def patients(self, clinician_id: str) -> list[Share]:
        """The patients whose diaries this clinician can see now, newest grant first."""
        shares = self._shares(grants_table.c.clinician == clinician_id, grants_table.c.owner)
        return [s for s in shares if s.live]

    def shared(self, clinician: Account, patient_id: str) -> SharedView:
        """A patient's diary, read-only, while the patient's grant to this clinician lasts."""
        view = SharedView(self, clinician, patient_id)
        view.check()
        return view

    def log(self, owner: str, clinician: Account, action: str) -> None:
        """Write one audit row about ``owner``'s diary (only with a live grant)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with self.sql._write() as conn:
            self._check(conn, clinician.id, owner)
            self._log(conn, owner, clinician, action)

    def _log(self, conn: sa.Connection, owner: str, clinician: Account, action: str) -> None:
        conn.execute(
            audit_table.insert().values(
                owner=owner,
                actor=clinician.id,
                actor_label=clinician.label,
                action=action,
                at=_now(),
            )
        )

    def _check(self, conn: sa.Connection, clinician_id: str, owner: str) -> None:
        g = grants_table
        live = conn.execute(
            sa.select(g.c.owner).where(
                g.c.owner == owner, g.c.clinician == clinician_id, g.c.withdrawn_at.is_(None)
            )
        ).first()
        if live is None:
            raise NotAllowed("this patient's diary is not shared with you (or no longer is)")

    def _shares(self, where: Any, other: Any) -> list[Share]:
        g, t = grants_table, accounts_table
        with self.sql._read() as conn:
            rows = conn.execute(
                sa.select(t, g.c.granted_at, g.c.withdrawn_at)
                .join(t, t.c.id == other)
                .where(where)
                .order_by(g.c.granted_at.desc())
            )
            return [Share(_account(r), r.granted_at, r.withdrawn_at) for r in rows]


# --------------------------------------------------------------------------- row security

# The diary's tables: each row's owner is an account.
OWNED_TABLES = ("entries", "screenings", "events", "records", "revisions")
# PostgreSQL's row-level security, a second wall behind the stores' own checks: a row is
# seen or written only by the account the transaction acts for, or read by a clinician
# with a live grant. FORCE applies it to the tables' owner too (the role BackCare
# connects as); a superuser or a role with BYPASSRLS is not held by it.
# (A table name from OWNED_TABLES goes in for {table}; nothing else is put in.)
ROW_SECURITY_SQL = """
ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
CREATE POLICY backcare_own ON {table}
    USING (owner = nullif(current_setting('app.account', true), ''))
    WITH CHECK (owner = nullif(current_setting('app.account', true), ''));
CREATE POLICY backcare_shared ON {table} FOR SELECT USING (EXISTS (
    SELECT 1 FROM grants g WHERE g.owner = {table}.owner
    AND g.clinician = nullif(current_setting('app.account', true), '')
    AND g.withdrawn_at IS NULL))
"""


def _secured(conn: sa.Connection) -> set[str]:
    found = conn.execute(
        sa.text("SELECT tablename FROM pg_policies WHERE policyname = 'backcare_shared'")
    )
    return set(found.scalars())


def _add_policies(sql: SqlStore) -> None:
    with sql._write() as conn:
        serialise_schema_changes(conn)
        for table in [t for t in OWNED_TABLES if t not in _secured(conn)]:
            for statement in ROW_SECURITY_SQL.format(table=table).split(";"):
                if statement.strip():
                    conn.execute(sa.text(statement))


def secure_rows(sql: SqlStore) -> None:
    """Put the row-level security policies on the diary's tables (once per database) and
    switch them on for this store. If the role BackCare connects as is a superuser or
    may bypass row security, the policies do not hold it: that is logged as a warning."""
    _add_policies(sql)
    with sql._read() as conn:
        bypass = conn.execute(
            sa.text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    if bypass:
        logging.getLogger(__name__).warning(
            "BackCare connects to %s as a role that bypasses row-level security: connect "
            "as an ordinary role (README, Clinic deployment)",
            sql.location,
        )
    sql.row_security = True


# --------------------------------------------------------------------------- the stores


class PersonStore:
    """The ``Store`` interface of ``backcare.storage``, bound to one account: a call with
    any other owner raises ``NotAllowed`` before the database is asked."""

    kind: Mode = "accounts"

    def __init__(self, clinic: Clinic, account_id: str) -> None:
        if not account_id.startswith(ACCOUNT_PREFIX):
            raise NotAllowed("a person's diary is reached through their signed-in account")
        self.clinic = clinic
        self._sql = clinic.sql
        self.account_id = account_id
        self.location = clinic.sql.location
        self.url = clinic.sql.url

    def _mine(self, owner: str) -> str:
        if owner != self.account_id:
            raise NotAllowed("this diary belongs to another account")
        return owner

    def add(self, entry: Entry) -> Entry:
        self._mine(entry.owner)
        with row_scope(self.account_id):
            return self._sql.add(entry)

    def add_many(self, entries: Iterable[Entry]) -> int:
        """Imported entries get ids of their own: an id from someone else's export may be
        taken by their row, which row security keeps out of sight (exact duplicates are
        still skipped, by content)."""
        batch = [replace(entry, id=new_id()) for entry in entries]
        for entry in batch:
            self._mine(entry.owner)
        with row_scope(self.account_id):
            return self._sql.add_many(batch)

    def update(self, entry: Entry) -> Entry:
        self._mine(entry.owner)
        with row_scope(self.account_id):
            return self._sql.update(entry)

    def delete(self, owner: str, entry_id: str) -> Entry:
        with row_scope(self.account_id):
            return self._sql.delete(self._mine(owner), entry_id)

    def restore(self, entry: Entry) -> None:
        self._mine(entry.owner)
        with row_scope(self.account_id):
            self._sql.restore(entry)

    def get(self, owner: str, entry_id: str) -> Entry:
        with row_scope(self.account_id):
            return self._sql.get(self._mine(owner), entry_id)

    def list(
        self,
        owner: str,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> builtins.list[Entry]:
        with row_scope(self.account_id):
            return self._sql.list(
                self._mine(owner),
                since,
                until,
                limit=limit,
                offset=offset,
                newest_first=newest_first,
            )

    def count(self, owner: str) -> int:
        with row_scope(self.account_id):
            return self._sql.count(self._mine(owner))

    def last(self, owner: str) -> Entry | None:
        with row_scope(self.account_id):
            return self._sql.last(self._mine(owner))

    def delete_all(self, owner: str) -> int:
        with row_scope(self.account_id):
            return self._sql.delete_all(self._mine(owner))

    def frame(self, owner: str) -> pd.DataFrame:
        with row_scope(self.account_id):
            return self._sql.frame(self._mine(owner))

    def revision(self, owner: str) -> int:
        with row_scope(self.account_id):
            return self._sql.revision(self._mine(owner))

    def add_screening(
        self,
        owner: str,
        instrument: str,
        taken_at: datetime,
        score: float,
        details: Mapping[str, Any],
        answers: tuple | None = None,
    ) -> Screening:
        with row_scope(self.account_id):
            return self._sql.add_screening(
                self._mine(owner), instrument, taken_at, score, details, answers
            )

    def screenings(self, owner: str) -> builtins.list[Screening]:
        with row_scope(self.account_id):
            return self._sql.screenings(self._mine(owner))

    def add_event(self, owner: str, date: date, label: str) -> Event:
        with row_scope(self.account_id):
            return self._sql.add_event(self._mine(owner), date, label)

    def events(self, owner: str) -> builtins.list[Event]:
        with row_scope(self.account_id):
            return self._sql.events(self._mine(owner))

    def put_record(
        self,
        owner: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        record_id: str | None = None,
    ) -> StoredRecord:
        with row_scope(self.account_id):
            return self._sql.put_record(self._mine(owner), kind, payload, record_id=record_id)

    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]:
        with row_scope(self.account_id):
            return self._sql.records(self._mine(owner), kind)

    def delete_records(self, owner: str, kind: str | None = None) -> int:
        with row_scope(self.account_id):
            return self._sql.delete_records(self._mine(owner), kind)


class SharedView:
    """A patient's diary for a clinician, read-only: the reads of the ``Store`` interface,
    each refused (``NotAllowed``) unless the patient's grant is live at that moment, and
    every write refused."""

    kind: Mode = "accounts"

    def __init__(self, clinic: Clinic, clinician: Account, patient_id: str) -> None:
        self._clinic = clinic
        self._sql = clinic.sql
        self.clinician = clinician
        self.patient_id = patient_id
        self.location = clinic.sql.location
        self.url = clinic.sql.url

    def check(self) -> None:
        """NotAllowed unless the grant is live now."""
        with self._sql._read() as conn:
            self._clinic._check(conn, self.clinician.id, self.patient_id)

    def _theirs(self, owner: str) -> str:
        if owner != self.patient_id:
            raise NotAllowed("this view shows one patient's diary only")
        self.check()
        return owner

    def get(self, owner: str, entry_id: str) -> Entry:
        with row_scope(self.clinician.id):
            return self._sql.get(self._theirs(owner), entry_id)

    def list(
        self,
        owner: str,
        since: datetime | date | None = None,
        until: datetime | date | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> builtins.list[Entry]:
        with row_scope(self.clinician.id):
            return self._sql.list(
                self._theirs(owner),
                since,
                until,
                limit=limit,
                offset=offset,
                newest_first=newest_first,
            )

    def count(self, owner: str) -> int:
        with row_scope(self.clinician.id):
            return self._sql.count(self._theirs(owner))

    def last(self, owner: str) -> Entry | None:
        with row_scope(self.clinician.id):
            return self._sql.last(self._theirs(owner))

    def frame(self, owner: str) -> pd.DataFrame:
        with row_scope(self.clinician.id):
            return self._sql.frame(self._theirs(owner))

    def revision(self, owner: str) -> int:
        with row_scope(self.clinician.id):
            return self._sql.revision(self._theirs(owner))

    def screenings(self, owner: str) -> builtins.list[Screening]:
        with row_scope(self.clinician.id):
            return self._sql.screenings(self._theirs(owner))

    def events(self, owner: str) -> builtins.list[Event]:
        with row_scope(self.clinician.id):
            return self._sql.events(self._theirs(owner))

    def records(self, owner: str, kind: str) -> builtins.list[StoredRecord]:
        with row_scope(self.clinician.id):
            return self._sql.records(self._theirs(owner), kind)

    def _read_only(self, *_args: Any, **_kwargs: Any) -> Any:
        raise NotAllowed("a shared diary is read-only: only the patient can change it")

    add = add_many = update = delete = restore = delete_all = _read_only
    add_screening = add_event = put_record = delete_records = _read_only
