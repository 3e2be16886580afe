"""Reading and filling the "this browser" store's IndexedDB from Playwright, and a diary of
years to fill it with: for the real-browser tests and the benches (a plain module, never a
conftest). The database's layout is ``backcare/ui/browser_component.js``'s: database
"backcare", store "records" keyed by [kind, id], values in ``v`` (or ``iv``/``ct`` when a
passphrase encrypts them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import Page

from backcare.browser_store import BROWSER_OWNER, ENTRY
from backcare.diary.model import Entry

# What IndexedDB holds, read with a connection of the test's own; null: no database.
IDB_RECORDS = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes('backcare')) return null;
  return await new Promise((resolve, reject) => {
    const req = indexedDB.open('backcare');
    req.onsuccess = () => {
      const db = req.result;
      const all = db.transaction('records').objectStore('records').getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result.map((r) => ({ kind: r.kind, id: r.id,
          value: r.v === undefined ? null : r.v, encrypted: r.ct !== undefined })));
      };
      all.onerror = () => reject(all.error);
    };
    req.onerror = () => reject(req.error);
  });
}"""
# Records put straight into IndexedDB, in one transaction. The page must have opened
# BackCare first: the component creates the database and its stores.
IDB_SEED = """async (records) => new Promise((resolve, reject) => {
  const req = indexedDB.open('backcare');
  req.onsuccess = () => {
    const db = req.result;
    const tx = db.transaction('records', 'readwrite');
    for (const r of records) tx.objectStore('records').put({ kind: r.kind, id: r.id, v: r.v });
    tx.oncomplete = () => { db.close(); resolve(records.length); };
    tx.onabort = () => reject(tx.error);
  };
  req.onerror = () => reject(req.error);
})"""

# 288 characters: 14,600 entries with it are about 5.4 MB of JSON, two chunks of the load.
NOTE = (
    "Walked to the shop and back; stiff after sitting at the desk all morning, better "
    "after the stretches and a warm shower. Slept badly, woke twice. Took paracetamol "
    "at lunch. Lifting the shopping was fine today, the stairs were not. Tried the "
    "bird dog again, no pain during it. Entry number "
)
TEN_YEARS = 14_600  # 4 entries a day


def diary(n: int = TEN_YEARS, owner: str = BROWSER_OWNER, note: str = NOTE) -> list[Entry]:
    """``n`` entries 6 hours apart from 1 January 2015, each with a long note."""
    start = datetime(2015, 1, 1, 8)
    return [
        Entry(start + timedelta(hours=6 * i), i % 11, owner, f"e{i:06d}", note=f"{note}{i}")
        for i in range(n)
    ]


def as_records(entries: list[Entry]) -> list[dict[str, Any]]:
    """The entries as the store keeps them, for ``IDB_SEED``."""
    return [{"kind": ENTRY.kind, "id": e.id, "v": ENTRY.encode(e)} for e in entries]


def records(page: Page) -> list[dict[str, Any]] | None:
    """What this browser profile's IndexedDB holds for BackCare (None: no database)."""
    return page.evaluate(IDB_RECORDS)


def seed(page: Page, entries: list[Entry]) -> int:
    return page.evaluate(IDB_SEED, as_records(entries))
