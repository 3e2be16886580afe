"""The Account and sharing page's sections (clinic mode): share codes, who can see the
diary and who looked, export everything, delete the account; and, for a clinician, the
patients who shared their diaries, read-only.

Every read and write goes through ``backcare.clinic`` (the store bound to the signed-in
account, or a shared view checked against a live grant on every read): the page never
names another person's rows. Names and e-mail addresses come from the sign-in provider,
where people choose them: in Markdown they are shown plain (``text.plain``), so a name
such as ``![](http://x/y.png)`` makes the browser fetch nothing.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import streamlit as st

from backcare.clinic import Account, Clinic, NotAllowed, PersonStore, ShareCodeError
from backcare.storage import StorageError
from backcare.ui.adherence_widgets import session_days
from backcare.ui.diary_charts import render_diary_charts
from backcare.ui.diary_widgets import render_clinician_summary, render_saved_screenings
from backcare.ui.kept import kept
from backcare.ui.state import VIEWED_KEY
from backcare.ui.store import StoreChoice, chart_frames, download_diary
from backcare.ui.tables import text_table
from backcare.ui.text import plain

CODE_KEY = "bc_share_code"  # the code just made: shown until the page is left
PATIENT_KEY = "bc_clinic_patient"
CLAIM_FORM = "bc_claim_code"
MAKE_CODE = "Make a share code"
OPEN_CODE = "Open the shared diary"
CODE_LABEL = "Share code from your patient"
DELETE_ACCOUNT = "Delete my account and everything in it"


def when(at: datetime) -> str:
    """A stored UTC time as people read it."""
    return f"{at:%d %b %Y, %H:%M} UTC"


def clinic_of(choice: StoreChoice) -> tuple[Clinic, Account]:
    """The clinic and account of a signed-in person's store choice."""
    if not isinstance(choice.store, PersonStore) or choice.account is None:
        raise NotAllowed("this page needs a signed-in account")
    return choice.store.clinic, choice.account


# --------------------------------------------------------------------------- the patient


def render_share(choice: StoreChoice, days: int) -> None:
    clinic, account = clinic_of(choice)
    st.header("Share your diary with your clinician")
    st.markdown(
        "Make a share code and give it to your clinician: read it out, or show it on your "
        "screen. Once they enter it in their own BackCare account they can see your diary, "
        "results and routine, read-only, and download your clinician summary, until you "
        f"stop sharing below. A code works once, within {days} days. BackCare keeps no "
        "copy of it: it is shown here once."
    )
    if st.button(MAKE_CODE, icon=":material/key:", key="bc_make_code"):
        try:
            st.session_state[CODE_KEY] = clinic.new_share_code(account.id, days)
        except StorageError as exc:
            st.error(f"No code was made: {exc}")
    made = st.session_state.get(CODE_KEY)
    if made is not None:
        st.success(
            f"Your share code (works once, until {when(made.expires_at)}):",
            icon=":material/key:",
        )
        st.code(made.code, language=None)


def render_shares(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    st.header("Who can see your diary")
    shares = clinic.shares(account.id)
    live = [s for s in shares if s.live]
    if not live:
        st.markdown("Nobody: your diary is yours alone.")
    for share in live:
        st.markdown(f"**{plain(share.other.label)}**, since {when(share.granted_at)}.")
        if st.button(
            f"Stop sharing with {plain(share.other.name or share.other.email or 'this clinician')}",
            key=f"bc_withdraw_{share.other.id}",
            icon=":material/block:",
        ):
            clinic.withdraw(account.id, share.other.id)
            st.rerun()
    ended = [s for s in shares if not s.live and s.withdrawn_at is not None]
    if ended:
        st.caption(
            "No longer shared with: "
            + "; ".join(
                f"{plain(s.other.label)} (stopped {when(s.withdrawn_at)})"
                for s in ended
                if s.withdrawn_at
            )
        )


def render_audit(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    st.header("Who looked at your diary")
    rows = clinic.audit(account.id)
    if not rows:
        st.markdown("Nobody has looked at your diary.")
        return
    import pandas as pd

    text_table(
        pd.DataFrame(
            {
                "When": [when(r.at) for r in rows],
                "Who": [r.who for r in rows],
                "What they did": [r.what for r in rows],
            }
        ),
        alt="Every time a clinician opened your share code, looked at your diary or "
        "downloaded from it, newest first.",
    )


def _account_file(clinic: Clinic, account: Account) -> bytes:
    """Everything about the account besides the diary: who it is, sharing, the audit."""
    shares = clinic.shares(account.id)
    data = {
        "account": {
            "issuer": account.issuer,
            "subject": account.subject,
            "email": account.email,
            "name": account.name,
            "role": account.role,
            "created_at": account.created_at.isoformat() + "Z",
        },
        "shared_with": [
            {
                "clinician": s.other.label,
                "since": s.granted_at.isoformat() + "Z",
                "withdrawn": s.withdrawn_at.isoformat() + "Z" if s.withdrawn_at else None,
            }
            for s in shares
        ],
        "who_looked": [
            {"at": r.at.isoformat() + "Z", "who": r.who, "what": r.what}
            for r in clinic.audit(account.id)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def render_export_everything(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    st.header("Export everything")
    st.markdown(
        "Two files: your diary with every result, check and routine (JSON, which Import "
        "on the Pain diary page reads back, here or in any BackCare), and your account: "
        "who you are at the sign-in service, who you shared with, and who looked."
    )
    diary, mine = st.columns(2)
    download_diary(diary, "Download my diary and results (JSON)", "json", choice, disabled=False)
    account_file = _account_file(clinic, account)  # taken now, in the script run
    mine.download_button(
        "Download my account and sharing (JSON)",
        data=account_file,
        file_name=f"backcare-account-{date.today().isoformat()}.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
        key="bc_account_file",
    )


def render_delete_account(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    with st.expander("Delete my account", icon=":material/delete_forever:"):
        st.write(
            "This deletes your account and everything in it: every diary entry, result, "
            "check and routine, your share codes, every clinician's access, and the record "
            "of who looked. It cannot be undone. Export everything first if you may want it. "
            "You are signed out afterwards; signing in again starts an empty account."
        )
        sure = st.checkbox("I understand that it will all be gone for good", key="bc_delete_sure")
        if st.button(DELETE_ACCOUNT, type="primary", disabled=not sure, key="bc_delete_account"):
            try:
                clinic.delete_account(account.id)
            except StorageError as exc:
                st.error(f"Nothing was deleted: {exc}")
                return
            st.session_state.clear()
            st.logout()
            st.stop()


# --------------------------------------------------------------------------- the clinician


def render_claim(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    st.header("Open a patient's shared diary")
    with st.form(CLAIM_FORM, clear_on_submit=True):
        code = st.text_input(
            CODE_LABEL, max_chars=40, placeholder="XXXX-XXXX-XXXXX", autocomplete="off"
        )
        if st.form_submit_button(OPEN_CODE, icon=":material/lock_open:"):
            try:
                patient = clinic.claim(account, code)
            except (ShareCodeError, NotAllowed) as exc:
                st.error(str(exc), icon=":material/error:")
            except StorageError as exc:
                st.error(f"The code could not be checked: {exc}")
            else:
                st.session_state[PATIENT_KEY] = patient.id
                st.success(f"{plain(patient.label)} shared their diary with you.")


def render_patients(choice: StoreChoice) -> None:
    clinic, account = clinic_of(choice)
    st.header("Patients who shared their diary with you")
    patients = {s.other.id: s for s in clinic.patients(account.id)}
    if not patients:
        st.markdown(
            "None yet. A patient makes a share code on this page in their own account and "
            "gives it to you. To show BackCare without a real patient, switch on the demo "
            "patient in the menu: nothing is written anywhere."
        )
        return
    ids = list(patients)
    if st.session_state.get(PATIENT_KEY) not in patients:
        st.session_state[PATIENT_KEY] = ids[0]
    chosen = st.selectbox(
        "Patient",
        ids,
        format_func=lambda pid: (
            f"{patients[pid].other.label}, since {when(patients[pid].granted_at)}"
        ),
        key=PATIENT_KEY,
    )
    # In a border, ended by a line saying so: below it is the clinician's own account,
    # which on a phone is otherwise one long scroll away and reads the same ("Your ...").
    with st.container(border=True):
        render_patient(clinic, account, patients[chosen].other)
        st.caption(
            f"End of {plain(patients[chosen].other.label)}'s shared diary. Below: your own "
            "account and diary."
        )


def render_patient(clinic: Clinic, clinician: Account, patient: Account) -> None:
    """One patient's diary, results and summary, read-only; audited once per visit."""
    try:
        view = clinic.shared(clinician, patient.id)
        viewed = st.session_state.setdefault(VIEWED_KEY, set())
        if patient.id not in viewed:
            clinic.log(patient.id, clinician, "viewed")
            viewed.add(patient.id)
        shared = StoreChoice(view, patient.id, "accounts")
        saved = kept(shared)
        st.subheader(f"{plain(patient.label)}: read-only")
        render_saved_screenings(view.screenings(patient.id))
        frames = chart_frames(shared)
        render_diary_charts(*frames, session_days=session_days(saved), heading="Pain over time")
        render_clinician_summary(
            frames,
            view.screenings(patient.id),
            shared=(
                saved,
                patient.name or patient.email,
                lambda kind: clinic.log(patient.id, clinician, kind),
            ),
        )
    except StorageError as exc:
        st.error(f"This patient's diary cannot be read right now: {exc}")
    except NotAllowed:
        st.error(
            "This patient's diary is no longer shared with you. Ask them for a new code if "
            "they want to share it again.",
            icon=":material/block:",
        )
