"""Clinic mode in the database (backcare.clinic), on SQLite and PostgreSQL: one account per
issuer and subject, one diary per account that no other account can reach through the
library, share codes, read-only shared views, withdrawal, the audit, and deleting an
account."""

from __future__ import annotations

import inspect
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from backcare import storage
from backcare.accounts import Identity
from backcare.clinic import ACTIONS, Clinic, NotAllowed, PersonStore, ShareCodeError
from backcare.diary.model import Entry, new_id
from backcare.storage import SqlStore, StorageError, Store, row_scope, share_codes_table
from tests.support.postgres import app_role_url
from tests.unit.stores import made_store

ISSUER = "https://login.clinic.example"
ANNA = Identity(ISSUER, "anna-1", "patient", "anna@example.org", "Anna")
BEN = Identity(ISSUER, "ben-2", "patient", "ben@example.org", "Ben")
DOC = Identity(ISSUER, "doc-9", "clinician", "dr@clinic.example", "Dr Jones")
NOW = datetime(2026, 11, 20, 9, 0)


@pytest.fixture(params=["sqlite", "postgres"])
def clinic(request, tmp_path):
    """SQLite, or PostgreSQL reached as an ordinary role, so row security holds."""
    if request.param == "sqlite":
        with made_store("sqlite", tmp_path) as sql:
            assert isinstance(sql, SqlStore)
            yield Clinic(sql)
        return
    sql = SqlStore(app_role_url(request.getfixturevalue("postgres_server_url")))
    try:
        made = Clinic(sql)
        assert sql.row_security
        yield made
    finally:
        sql.engine.dispose()


def _entry(owner: str, pain: int = 4, note: str = "") -> Entry:
    return Entry(id=new_id(), owner=owner, timestamp=NOW, pain=pain, note=note)


def _diary(clinic: Clinic, who: Identity, pains=(3, 5)) -> tuple[str, PersonStore]:
    account = clinic.account(who)
    store = clinic.person(account.id)
    for pain in pains:
        store.add(_entry(account.id, pain, note=f"{who.name}'s note"))
    store.add_screening(account.id, "peg", NOW, 4.3, {"band": "x"}, answers=(4, 4, 5))
    store.put_record(account.id, "check", {"level": "gp"})
    return account.id, store


# --------------------------------------------------------------------------- accounts


def test_an_account_is_keyed_by_issuer_and_subject_never_by_email(clinic):
    first = clinic.account(ANNA)
    assert first.id.startswith("acct-") and clinic.account(ANNA).id == first.id
    # The same subject at another provider, and the same e-mail with another subject,
    # are other people.
    elsewhere = clinic.account(Identity("https://other.example", "anna-1", "patient", ANNA.email))
    same_email = clinic.account(Identity(ISSUER, "someone-else", "patient", ANNA.email))
    assert len({first.id, elsewhere.id, same_email.id}) == 3
    # A new e-mail or role at the next sign-in is taken; the account stays.
    moved = clinic.account(Identity(ISSUER, "anna-1", "clinician", "new@example.org", "Anna"))
    assert (moved.id, moved.email, moved.role) == (first.id, "new@example.org", "clinician")


def test_a_first_sign_in_on_two_servers_at_once_makes_one_account(clinic):
    ids: list[str] = []
    errors: list[BaseException] = []

    def sign_in() -> None:
        try:
            ids.append(clinic.account(BEN).id)
        except BaseException as exc:  # the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=sign_in) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 1 and len(ids) == 8


# --------------------------------------------------------------------------- one's own diary


STORE_METHODS = sorted(
    name for name, _ in inspect.getmembers(Store, inspect.isfunction) if not name.startswith("_")
)


def _call_as(store: PersonStore, method: str, owner: str):
    """Call a Store method as ``owner`` with plausible arguments."""
    entry = _entry(owner)
    calls = {
        "add": lambda: store.add(entry),
        "add_many": lambda: store.add_many([entry]),
        "update": lambda: store.update(entry),
        "delete": lambda: store.delete(owner, "some-id"),
        "restore": lambda: store.restore(entry),
        "get": lambda: store.get(owner, "some-id"),
        "list": lambda: store.list(owner),
        "count": lambda: store.count(owner),
        "last": lambda: store.last(owner),
        "delete_all": lambda: store.delete_all(owner),
        "frame": lambda: store.frame(owner),
        "revision": lambda: store.revision(owner),
        "add_screening": lambda: store.add_screening(owner, "peg", NOW, 1.0, {}),
        "screenings": lambda: store.screenings(owner),
        "add_event": lambda: store.add_event(owner, NOW.date(), "x"),
        "events": lambda: store.events(owner),
        "put_record": lambda: store.put_record(owner, "check", {}),
        "records": lambda: store.records(owner, "check"),
        "delete_records": lambda: store.delete_records(owner),
    }
    assert sorted(calls) == STORE_METHODS, "a Store method without a scoping test"
    return calls[method]()


@pytest.mark.parametrize("method", STORE_METHODS)
def test_a_person_store_refuses_every_call_about_another_account(clinic, method):
    anna, _ = _diary(clinic, ANNA)
    ben = clinic.account(BEN).id
    bens_store = clinic.person(ben)
    with pytest.raises(NotAllowed):
        _call_as(bens_store, method, anna)
    # Anna's diary is as it was: nothing read, changed or deleted through Ben's store.
    annas = clinic.person(anna)
    assert sorted(e.pain for e in annas.list(anna)) == [3, 5]
    assert len(annas.screenings(anna)) == 1 and len(annas.records(anna, "check")) == 1


def test_two_people_each_see_only_their_own_diary(clinic):
    anna, annas = _diary(clinic, ANNA, pains=(2, 3, 4))
    ben, bens = _diary(clinic, BEN, pains=(8,))
    assert {e.owner for e in annas.list(anna)} == {anna}
    assert sorted(e.pain for e in bens.list(ben)) == [8]
    assert bens.delete_all(ben) == 1
    assert annas.count(anna) == 3


def test_a_person_store_is_only_made_for_an_account():
    with pytest.raises(NotAllowed):
        PersonStore(None, "local")  # type: ignore[arg-type]  # refused before it is used


# --------------------------------------------------------------------------- sharing


def test_a_clinician_opens_a_share_code_once_and_reads_the_diary_read_only(clinic):
    anna, _ = _diary(clinic, ANNA)
    doc = clinic.account(DOC)
    code = clinic.new_share_code(anna, days=7)
    assert len(code.code) == 15 and code.code.count("-") == 2
    # Typed in lower case with spaces: the same code.
    patient = clinic.claim(doc, code.code.lower().replace("-", " "))
    assert patient.id == anna and patient.label == "Anna (anna@example.org)"
    assert [s.other.id for s in clinic.patients(doc.id)] == [anna]
    assert [s.other.label for s in clinic.shares(anna)] == ["Dr Jones (dr@clinic.example)"]

    view = clinic.shared(doc, anna)
    assert sorted(e.pain for e in view.list(anna)) == [3, 5]
    assert view.count(anna) == 2 and len(view.screenings(anna)) == 1
    assert len(view.frame(anna)) == 2 and view.records(anna, "check")
    for write in (
        lambda: view.add(_entry(anna)),
        lambda: view.delete_all(anna),
        lambda: view.put_record(anna, "check", {}),
        lambda: view.delete(anna, "x"),
    ):
        with pytest.raises(NotAllowed):
            write()
    assert clinic.person(anna).count(anna) == 2

    # Used once: a second try, by anyone, is refused with the plain message.
    with pytest.raises(ShareCodeError, match="mistyped, already used or out of date"):
        clinic.claim(doc, code.code)


def test_only_a_live_grant_opens_a_diary_and_withdrawing_ends_it_at_once(clinic):
    anna, _ = _diary(clinic, ANNA)
    ben, _ = _diary(clinic, BEN)
    doc = clinic.account(DOC)
    with pytest.raises(NotAllowed):
        clinic.shared(doc, anna)  # never shared
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    view = clinic.shared(doc, anna)
    with pytest.raises(NotAllowed):
        view.list(ben)  # the view is Anna's only
    with pytest.raises(NotAllowed):
        clinic.shared(doc, ben)
    assert clinic.withdraw(anna, doc.id) is True
    assert clinic.withdraw(anna, doc.id) is False  # nothing live any more
    with pytest.raises(NotAllowed):
        view.list(anna)  # the open view is refused on its next read
    with pytest.raises(NotAllowed):
        clinic.log(anna, doc, "viewed")
    assert clinic.patients(doc.id) == []
    assert [s.live for s in clinic.shares(anna)] == [False]
    # A new code from Anna gives a new grant.
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    assert clinic.shared(doc, anna).count(anna) == 2


@pytest.mark.parametrize(
    "case", ["forged", "expired", "patient claims", "own code", "empty", "withdrawn owner"]
)
def test_a_bad_share_code_opens_nothing(clinic, case):
    anna, _ = _diary(clinic, ANNA)
    doc = clinic.account(DOC)
    code = clinic.new_share_code(anna, 7).code
    if case == "forged":
        with pytest.raises(ShareCodeError):
            clinic.claim(doc, "ABCD-EFGH-IJKLM")
    elif case == "expired":
        with clinic.sql.engine.begin() as conn:
            conn.execute(share_codes_table.update().values(expires_at=datetime(2020, 1, 1)))
        with pytest.raises(ShareCodeError):
            clinic.claim(doc, code)
    elif case == "patient claims":
        with pytest.raises(NotAllowed):
            clinic.claim(clinic.account(BEN), code)
    elif case == "own code":
        own = clinic.new_share_code(doc.id, 7).code
        with pytest.raises(ShareCodeError):
            clinic.claim(doc, own)
    elif case == "empty":
        with pytest.raises(ShareCodeError):
            clinic.claim(doc, "")
    else:
        clinic.delete_account(anna)
        with pytest.raises(ShareCodeError):
            clinic.claim(doc, code)
    assert clinic.patients(doc.id) == []
    assert clinic.audit(anna) == []


def test_two_clinicians_racing_for_one_code_get_one_grant(clinic):
    anna, _ = _diary(clinic, ANNA)
    code = clinic.new_share_code(anna, 7).code
    doctors = [
        clinic.account(Identity(ISSUER, f"doc-{n}", "clinician", f"d{n}@c.example", f"D{n}"))
        for n in range(6)
    ]
    won: list[str] = []
    lost: list[BaseException] = []

    def claim(doctor) -> None:
        try:
            won.append(clinic.claim(doctor, code).id)
        except (ShareCodeError, ValueError) as exc:
            lost.append(exc)

    threads = [threading.Thread(target=claim, args=(d,)) for d in doctors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won == [anna] and len(lost) == 5
    assert sum(len(clinic.patients(d.id)) for d in doctors) == 1


def test_the_patient_reads_who_looked_and_nobody_else_does(clinic):
    anna, _ = _diary(clinic, ANNA)
    ben, _ = _diary(clinic, BEN)
    doc = clinic.account(DOC)
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    clinic.log(anna, doc, "viewed")
    clinic.log(anna, doc, "pdf")
    rows = clinic.audit(anna)
    assert [r.action for r in rows] == ["pdf", "viewed", "claimed"]  # newest first
    assert {r.who for r in rows} == {"Dr Jones (dr@clinic.example)"}
    assert rows[0].what == ACTIONS["pdf"] == "downloaded your clinician summary (PDF)"
    assert clinic.audit(ben) == []
    with pytest.raises(ValueError, match="unknown audit action"):
        clinic.log(anna, doc, "edited")


# --------------------------------------------------------------------------- deleting


def test_deleting_an_account_removes_everything_of_that_person_only(clinic):
    anna, _ = _diary(clinic, ANNA)
    ben, _ = _diary(clinic, BEN, pains=(6,))
    doc = clinic.account(DOC)
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    clinic.claim(doc, clinic.new_share_code(ben, 7).code)
    clinic.new_share_code(anna, 7)

    assert clinic.delete_account(anna) == 2
    assert clinic.find(anna) is None
    counts = {}
    with clinic.sql.engine.connect() as conn:
        for name in ("entries", "screenings", "records", "share_codes", "audit"):
            counts[name] = conn.execute(
                # The table names are the fixed ones above.
                sa.text(f"SELECT count(*) FROM {name} WHERE owner = :o"),  # noqa: S608
                {"o": anna},
            ).scalar_one()
        counts["grants"] = conn.execute(
            sa.text("SELECT count(*) FROM grants WHERE owner = :o OR clinician = :o"), {"o": anna}
        ).scalar_one()
    assert counts == dict.fromkeys(counts, 0)
    # Ben and his grant are untouched.
    assert clinic.person(ben).count(ben) == 1
    assert [s.other.id for s in clinic.patients(doc.id)] == [ben]


def test_a_deleted_clinician_leaves_the_patients_record_of_who_looked(clinic):
    anna, _ = _diary(clinic, ANNA)
    doc = clinic.account(DOC)
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    clinic.log(anna, doc, "viewed")
    clinic.delete_account(doc.id)
    assert [r.action for r in clinic.audit(anna)] == ["viewed", "claimed"]
    assert clinic.shares(anna) == []


def test_share_codes_expire_after_the_days_given(clinic):
    anna = clinic.account(ANNA).id
    code = clinic.new_share_code(anna, days=3)
    assert (
        timedelta(days=2, hours=23)
        < code.expires_at - datetime.now(UTC).replace(tzinfo=None)
        <= timedelta(days=3)
    )


# --------------------------------------------------------------------------- row security


def _count(sql: SqlStore, query: str) -> int:
    with sql._read() as conn:
        return int(conn.execute(sa.text(query)).scalar_one())


def test_row_security_holds_a_query_that_forgets_the_owner(clinic):
    """PostgreSQL's policies are a second wall: a query with no owner filter at all sees
    only the rows of the account it acts for, or of a patient who shared with it."""
    if clinic.sql.engine.dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    sql = clinic.sql
    anna, _ = _diary(clinic, ANNA, pains=(2, 3, 4))
    ben, _ = _diary(clinic, BEN, pains=(8,))
    doc = clinic.account(DOC)
    everything = "SELECT count(*) FROM entries"
    assert (
        _count(
            sql,
            "SELECT count(*) FROM pg_roles WHERE rolname = current_user "
            "AND (rolsuper OR rolbypassrls)",
        )
        == 0
    )
    with row_scope(anna):
        assert _count(sql, everything) == 3
        assert _count(sql, "SELECT count(*) FROM records") == 1
    with row_scope(ben):
        assert _count(sql, everything) == 1
    assert _count(sql, everything) == 0  # acting for nobody: nothing
    with row_scope(doc.id):
        assert _count(sql, everything) == 0  # nothing shared yet
    clinic.claim(doc, clinic.new_share_code(anna, 7).code)
    with row_scope(doc.id):
        assert _count(sql, everything) == 3  # Anna's, read-only
    clinic.withdraw(anna, doc.id)
    with row_scope(doc.id):
        assert _count(sql, everything) == 0
    # Writing a row for someone else is refused by the database itself.
    with row_scope(ben), pytest.raises(StorageError), sql._write() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO entries (id, owner, timestamp, pain, flare, medication_taken, "
                "exercised, note) VALUES ('x1', :o, now(), 1, false, false, false, '')"
            ),
            {"o": anna},
        )
    with row_scope(anna):
        assert _count(sql, everything) == 3


def test_an_import_of_someone_elses_export_gets_ids_of_its_own(clinic):
    anna, annas = _diary(clinic, ANNA, pains=(2,))
    ben = clinic.account(BEN).id
    theirs = [replace(e, owner=ben) for e in annas.list(anna)]  # same ids as Anna's rows
    assert clinic.person(ben).add_many(theirs) == 1
    assert clinic.person(anna).count(anna) == 1 and clinic.person(ben).count(ben) == 1


def test_servers_opening_a_new_database_at_once_all_get_it(postgres_server_url):
    """Several servers (threads here) open a fresh clinic database at the same moment:
    each makes or finds the tables and the row-security policies; none is refused (a
    refusal sends that server's visitors to their tab with a warning)."""
    url = app_role_url(postgres_server_url)
    start = threading.Barrier(6)
    opened: list[SqlStore] = []
    refused: list[str] = []

    def open_clinic() -> None:
        start.wait()
        try:
            sql = SqlStore(url)
            Clinic(sql)
            opened.append(sql)
        except StorageError as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=open_clinic) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert refused == [] and len(opened) == 6
        assert all(sql.row_security for sql in opened)
        assert opened[0].schema_version() == storage.SCHEMA_VERSION
    finally:
        for sql in opened:
            sql.engine.dispose()
