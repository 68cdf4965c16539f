"""Import a fair dataset folder into a fair, and export a fair back to one.

`fair_import` reads and validates the whole folder first (fair.dataset), then
writes everything in one transaction: a bad file or any failure on the way
leaves the database as it was. Records are matched on the dataset ids
(Booth.external_id, Participant.external_id), so importing the same folder
again changes nothing and an edited row updates its record. Interactions are
deduplicated by their unique constraint (buyer, booth, kind, at); on SQLite
they go in through one prepared INSERT OR IGNORE, on PostgreSQL through COPY:
straight into the table when the fair's buyers have no interactions yet (the
rows deduplicated in Python), else into a temporary table and then INSERT ...
ON CONFLICT DO NOTHING. New companies, booths, participants and sourcing
profiles go in through bulk_create, on PostgreSQL through COPY with their ids
reserved from the sequences. A large load drops the interaction table's
secondary indexes (on PostgreSQL its foreign keys too) and builds them again
in the same transaction.

`fair_export` writes the folder back; importing that folder into a new fair
and exporting again gives the same bytes.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connection, connections, transaction
from django.utils import timezone
from tqdm import tqdm

from exhibitors.models import Booth
from fair.dataset import (
    BuyerRow,
    Dataset,
    ExhibitorRow,
    InteractionRow,
    format_time,
    read_folder,
    write_folder,
)
from fair.halls import DEFAULT_HALLS, HallPicker
from fair.models import Company, Fair, Hall, Interaction, Participant, SourcingProfile
from kernel import events
from kernel.errors import DomainError

DEFAULT_TIME_ZONE = "Asia/Seoul"
_SQLITE_CACHE_KIB = 256 * 1024  # page cache while inserting interactions on SQLite
_SQLITE_REBUILD_ROWS = 100_000  # from this many new interactions on, rebuild the indexes after the load
_POSTGRES_REBUILD_ROWS = 100_000  # the same on PostgreSQL


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class ImportReport:
    fair_slug: str
    fair_created: bool = False
    halls_created: int = 0
    exhibitors: Counts = field(default_factory=Counts)
    buyers: Counts = field(default_factory=Counts)
    interactions: Counts = field(default_factory=Counts)
    read_seconds: float = 0.0
    write_seconds: float = 0.0

    def summary(self) -> str:
        head = f"Fair {self.fair_slug}" + (" (created" if self.fair_created else "")
        if self.fair_created:
            head += f", with {self.halls_created} halls)" if self.halls_created else ")"
        return (
            f"{head}\n"
            f"  exhibitors:   {self.exhibitors}\n"
            f"  buyers:       {self.buyers}\n"
            f"  interactions: {self.interactions}\n"
            f"  read {self.read_seconds:.1f} s, wrote {self.write_seconds:.1f} s"
        )


def _batch() -> int:
    return max(100, int(getattr(settings, "IMPORT_BATCH_SIZE", 5000)))


def _create(model, objs: list) -> None:
    """Insert new records and set their primary keys: bulk_create, or on PostgreSQL ids reserved
    from the table's sequence in one query and the rows sent with COPY."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=_batch())
        return
    meta, quote = model._meta, connection.ops.quote_name
    fields = meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        db = connections[connection.alias]  # the connection itself, not the thread-local proxy
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])
                obj._state.adding, obj._state.db = False, db.alias


def _fair_for(slug: str) -> tuple[Fair, bool]:
    try:
        validate_slug(slug)
    except ValidationError:
        raise DomainError(
            "fair.bad_slug", f"{slug!r} is not a valid fair slug (letters, digits, hyphens, underscores)."
        ) from None
    today = timezone.now().astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).date()
    fair, created = Fair.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("-", " ").replace("_", " ").title(),
            "starts_on": today,
            "ends_on": today,
            "time_zone": DEFAULT_TIME_ZONE,
            # Created by whoever runs the import command: listed at once (a fair created on a page
            # waits for its organizers' "Publish the fair").
            "published": True,
        },
    )
    if connection.features.has_select_for_update:
        fair = Fair.objects.select_for_update().get(pk=fair.pk)  # one import per fair at a time
    return fair, created


def _ensure_halls(fair: Fair) -> int:
    if fair.halls.exists():
        return 0
    Hall.objects.bulk_create(
        Hall(
            fair=fair,
            name=spec.name,
            name_en=spec.name,
            **{f"name_{column}": name for column, name in spec.names},
            slug=spec.slug,
            hs_chapters=list(spec.hs_chapters),
            position=i,
        )
        for i, spec in enumerate(DEFAULT_HALLS)
    )
    return len(DEFAULT_HALLS)


def _import_exhibitors(fair: Fair, rows: list[ExhibitorRow], counts: Counts) -> dict[str, int]:
    picker = HallPicker(fair.halls.order_by("position", "name", "pk").values_list("pk", "hs_chapters"))
    existing: dict[str, Booth] = {}
    for booth in Booth.objects.filter(fair=fair).select_related("company"):
        existing[booth.external_id or f"booth-{booth.pk}"] = booth
    new_companies: list[Company] = []
    new_booths: list[Booth] = []
    changed_companies: list[Company] = []
    changed_booths: list[Booth] = []
    for row in rows:
        booth = existing.get(row.exhibitor_id)
        if booth is None:
            company = Company(
                name=row.company,
                country=row.country,
                certifications=list(row.certifications),
                languages=list(row.languages),
                description=row.description,
            )
            new_companies.append(company)
            new_booths.append(
                Booth(
                    fair=fair,
                    company=company,
                    external_id=row.exhibitor_id,
                    hall_id=picker.pick(row.hs_codes),
                    hs_codes=list(row.hs_codes),
                    target_markets=list(row.target_markets),
                    status=Booth.Status.PUBLISHED,
                )
            )
            continue
        company = booth.company
        company_values = {
            "name": row.company,
            "country": row.country,
            "certifications": list(row.certifications),
            "languages": list(row.languages),
            "description": row.description,
        }
        current = {
            "name": company.name,
            "country": company.country.code,
            "certifications": company.certifications,
            "languages": company.languages,
            "description": company.description,
        }
        booth_changed = booth.hs_codes != list(row.hs_codes) or booth.target_markets != list(
            row.target_markets
        )
        if company_values != current:
            for name, value in company_values.items():
                setattr(company, name, value)
            changed_companies.append(company)
        if booth_changed:
            if booth.hs_codes != list(row.hs_codes):
                booth.hall_id = picker.pick(row.hs_codes)
            booth.hs_codes = list(row.hs_codes)
            booth.target_markets = list(row.target_markets)
            changed_booths.append(booth)
        if booth_changed or company_values != current:
            counts.updated += 1
        else:
            counts.unchanged += 1
    _create(Company, new_companies)
    for booth in new_booths:
        booth.company_id = booth.company.pk
    _create(Booth, new_booths)
    batch = _batch()
    counts.created = len(new_booths)
    if changed_companies:
        Company.objects.bulk_update(
            changed_companies,
            ["name", "country", "certifications", "languages", "description"],
            batch_size=batch,
        )
    if changed_booths:
        now = timezone.now()
        for booth in changed_booths:
            booth.updated_at = now
        Booth.objects.bulk_update(
            changed_booths, ["hall", "hs_codes", "target_markets", "updated_at"], batch_size=batch
        )
    ids = {key: b.pk for key, b in existing.items()}
    ids.update((b.external_id, b.pk) for b in new_booths)
    return ids


def _import_buyers(fair: Fair, rows: list[BuyerRow], counts: Counts) -> dict[str, int]:
    existing: dict[str, Participant] = {}
    for p in Participant.objects.filter(fair=fair, role=Participant.Role.BUYER).select_related(
        "company", "sourcing"
    ):
        existing[p.external_id or f"buyer-{p.pk}"] = p
    new_companies: list[Company] = []
    new_participants: list[Participant] = []
    new_profiles: list[SourcingProfile] = []
    changed_companies: list[Company] = []
    changed_participants: list[Participant] = []
    changed_profiles: list[SourcingProfile] = []
    for row in rows:
        p = existing.get(row.buyer_id)
        profile_values = {
            "hs_codes": list(row.hs_codes),
            "required_certifications": list(row.required_certifications),
            "languages": list(row.languages),
            "description": row.description,
        }
        if p is None:
            company = Company(name=row.company, country=row.country)
            new_companies.append(company)
            p = Participant(
                fair=fair,
                company=company,
                role=Participant.Role.BUYER,
                status=Participant.Status.APPROVED,
                external_id=row.buyer_id,
            )
            new_participants.append(p)
            new_profiles.append(SourcingProfile(buyer=p, **profile_values))
            continue
        changed = False
        company = p.company
        if company is None:
            company = Company(name=row.company, country=row.country)
            new_companies.append(company)
            p.company = company
            changed_participants.append(p)
            changed = True
        elif company.name != row.company or company.country.code != row.country:
            company.name, company.country = row.company, row.country
            changed_companies.append(company)
            changed = True
        try:
            profile = p.sourcing
        except SourcingProfile.DoesNotExist:
            new_profiles.append(SourcingProfile(buyer=p, **profile_values))
            changed = True
        else:
            current = {name: getattr(profile, name) for name in profile_values}
            if current != profile_values:
                for name, value in profile_values.items():
                    setattr(profile, name, value)
                changed_profiles.append(profile)
                changed = True
        if changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
    _create(Company, new_companies)
    for p in new_participants:
        p.company_id = p.company.pk
    _create(Participant, new_participants)
    for profile in new_profiles:
        profile.buyer_id = profile.buyer.pk
    _create(SourcingProfile, new_profiles)
    batch = _batch()
    counts.created = len(new_participants)
    for p in changed_participants:
        p.company_id = p.company.pk
    if changed_participants:
        Participant.objects.bulk_update(changed_participants, ["company"], batch_size=batch)
    if changed_companies:
        Company.objects.bulk_update(changed_companies, ["name", "country"], batch_size=batch)
    if changed_profiles:
        now = timezone.now()
        for profile in changed_profiles:
            profile.updated_at = now
        SourcingProfile.objects.bulk_update(
            changed_profiles,
            ["hs_codes", "required_certifications", "languages", "description", "updated_at"],
            batch_size=batch,
        )
    ids = {key: p.pk for key, p in existing.items()}
    ids.update((p.external_id, p.pk) for p in new_participants)
    return ids


def _chunks(rows: list, size: int):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _insert_interactions_sqlite(fair_id, rows, buyer_ids, booth_ids, bar, existing: int) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    times: dict[datetime, str] = {}
    connection.ensure_connection()
    raw = connection.connection
    sql = (
        f"INSERT OR IGNORE INTO {Interaction._meta.db_table} (fair_id, buyer_id, booth_id, kind, at) "  # noqa: S608
        "VALUES (?, ?, ?, ?, ?)"
    )
    values = []
    append = values.append
    for r in rows:
        at = times.get(r.at)
        if at is None:
            at = times[r.at] = adapt(r.at)
        append((buyer_ids[r.buyer_id], booth_ids[r.exhibitor_id], r.kind, at))
    # In the unique index's order, the B-tree pages are filled one after another instead of at random.
    values.sort()
    cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")  # the indexes of a million rows stay in memory
    # A large load into a smaller table: drop the secondary indexes and build them again afterwards,
    # which is twice as fast. DDL is transactional in SQLite: a failure restores them with the rest.
    # The unique constraint (an automatic index) stays and deduplicates.
    rebuild: list[str] = []
    if len(values) >= _SQLITE_REBUILD_ROWS and existing < len(values):
        rebuild = [
            sql_text
            for (sql_text,) in raw.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                [Interaction._meta.db_table],
            )
            if not sql_text.upper().startswith("CREATE UNIQUE")
        ]
        for (name,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%'",
            [Interaction._meta.db_table],
        ).fetchall():
            raw.execute(f'DROP INDEX "{name}"')
    try:
        for chunk in _chunks(values, 50_000):
            raw.executemany(sql, [(fair_id, *v) for v in chunk])
            bar.update(len(chunk))
        for sql_text in rebuild:
            raw.execute(sql_text)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")


def _insert_interactions_postgres(fair_id, rows, buyer_ids, booth_ids, bar, existing: int) -> None:
    table, quote = Interaction._meta.db_table, connection.ops.quote_name
    # Deduplicated here, so that a fair whose buyers have no interactions yet can take them straight
    # through COPY, without a staging table or ON CONFLICT. Times as their UTC text (one per instant),
    # which is quicker to hash than an aware datetime.
    times: dict[datetime, str] = {}
    values = set()
    add = values.add
    for r in rows:
        at = times.get(r.at)
        if at is None:
            at = times[r.at] = format_time(r.at)
        add((buyer_ids[r.buyer_id], booth_ids[r.exhibitor_id], r.kind, at))
    fresh = not Interaction.objects.filter(buyer__fair_id=fair_id).exists()
    target = table if fresh else "tradefair_import_interaction"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # for building the indexes again
        cursor.execute("SET LOCAL work_mem = '64MB'")
        # A large load into a smaller table: drop the foreign keys and the secondary indexes, and add them
        # again afterwards, which checks each foreign key in one join instead of a trigger per row and
        # builds each index by sorting instead of inserting into six B-trees row by row. The unique
        # constraint goes too when the rows go straight in (they are deduplicated above; adding it
        # again checks that). DDL is transactional in PostgreSQL: a failure restores everything. The
        # cost: the interaction table and the tables its foreign keys reference stay locked until the
        # commit.
        constraints: list[tuple[str, str]] = []
        indexes: list[tuple[str, str]] = []
        if len(values) >= _POSTGRES_REBUILD_ROWS and existing < len(values):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # DDL wants no pending foreign key checks
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND (contype = 'f' OR contype = 'u' AND %s) "
                "ORDER BY contype DESC",  # the unique constraint first, then the foreign keys
                [table, fresh],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass AND NOT indisunique",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        if not fresh:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} "
                "(buyer_id bigint, booth_id bigint, kind varchar(20), at timestamptz)"
            )
        raw = cursor.cursor  # the psycopg 3 cursor
        copy_sql = f"COPY {target} ({'fair_id, ' if fresh else ''}buyer_id, booth_id, kind, at) FROM STDIN"
        head = f"{fair_id}\t" if fresh else ""
        with raw.copy(copy_sql) as copy:
            for chunk in _chunks(list(values), 50_000):
                copy.write("".join([f"{head}{b}\t{e}\t{kind}\t{at}\n" for b, e, kind, at in chunk]))
                bar.update(len(chunk))
        if not fresh:
            cursor.execute(
                f"INSERT INTO {table} (fair_id, buyer_id, booth_id, kind, at) "  # noqa: S608 (our own table name)
                f"SELECT %s, buyer_id, booth_id, kind, at FROM {target} "
                "ORDER BY buyer_id, booth_id, kind, at "  # the unique index's order
                "ON CONFLICT DO NOTHING",
                [fair_id],
            )
            cursor.execute(f"DROP TABLE {target}")
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in indexes:
            cursor.execute(definition)
        if constraints:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares its foreign keys
        cursor.execute(f"ANALYZE {table}")


def _insert_interactions_orm(fair_id, rows, buyer_ids, booth_ids, bar, existing: int) -> None:
    for chunk in _chunks(rows, _batch()):
        Interaction.objects.bulk_create(
            [
                Interaction(
                    fair_id=fair_id,
                    buyer_id=buyer_ids[r.buyer_id],
                    booth_id=booth_ids[r.exhibitor_id],
                    kind=r.kind,
                    at=r.at,
                )
                for r in chunk
            ],
            ignore_conflicts=True,
        )
        bar.update(len(chunk))


def _import_interactions(
    fair: Fair, rows: list[InteractionRow], buyer_ids, booth_ids, counts: Counts, progress: bool
) -> None:
    if not rows:
        return
    before = Interaction.objects.filter(fair=fair).count()
    vendor = connection.vendor
    insert = {"sqlite": _insert_interactions_sqlite, "postgresql": _insert_interactions_postgres}.get(
        vendor, _insert_interactions_orm
    )
    with tqdm(
        total=len(rows),
        desc="importing interactions",
        unit=" rows",
        file=sys.stderr,
        disable=not progress or len(rows) < 50_000,
        mininterval=0.5,
    ) as bar:
        insert(fair.pk, rows, buyer_ids, booth_ids, bar, Interaction.objects.count())
    counts.created = Interaction.objects.filter(fair=fair).count() - before
    counts.unchanged = len(rows) - counts.created


def fair_import_dataset(
    *, dataset: Dataset, fair_slug: str, progress: bool = False, actor=None
) -> ImportReport:
    """Write an already validated dataset into the fair, all or nothing (``actor``: who asked, for the
    audit log; None from the command line)."""
    report = ImportReport(fair_slug=fair_slug)
    started = time.perf_counter()
    with transaction.atomic():
        fair, report.fair_created = _fair_for(fair_slug)
        report.halls_created = _ensure_halls(fair)
        booth_ids = _import_exhibitors(fair, dataset.exhibitors, report.exhibitors)
        buyer_ids = _import_buyers(fair, dataset.buyers, report.buyers)
        _import_interactions(fair, dataset.interactions, buyer_ids, booth_ids, report.interactions, progress)
        # Bulk writes: one event for the whole import (the page cache, the dashboard's past hours).
        events.emit(
            "dataset.imported",
            fair_id=fair.pk,
            subject=fair,
            actor=actor,
            fair_created=report.fair_created,
            exhibitors=len(dataset.exhibitors),
            buyers=len(dataset.buyers),
            interactions=len(dataset.interactions),
        )
    report.write_seconds = time.perf_counter() - started
    return report


def fair_import(*, path: str | Path, fair_slug: str, progress: bool = False) -> ImportReport:
    """Import the dataset folder at `path` into the fair `fair_slug` (created when missing).

    Raises DatasetError (naming file, line and column) before anything is written
    when a file is bad; any other failure rolls the whole import back.
    """
    started = time.perf_counter()
    dataset = read_folder(path, progress=progress)
    read_seconds = time.perf_counter() - started
    report = fair_import_dataset(dataset=dataset, fair_slug=fair_slug, progress=progress)
    report.read_seconds = read_seconds
    return report


# --- export ---------------------------------------------------------------------


@dataclass
class ExportReport:
    exhibitors: int
    buyers: int
    interactions: int

    def summary(self) -> str:
        return f"{self.exhibitors} exhibitors, {self.buyers} buyers, {self.interactions} interactions"


def fair_dataset(*, fair: Fair, progress: bool = False) -> Dataset:
    """The fair as dataset rows: booths with HS codes, buyers with a company and a sourcing profile."""
    dataset = Dataset()
    booth_ids: dict[int, str] = {}
    for booth in Booth.objects.filter(fair=fair).select_related("company").order_by("pk"):
        if not booth.hs_codes:
            continue  # a draft booth without products cannot be written in the format
        ident = booth.external_id or f"booth-{booth.pk}"
        booth_ids[booth.pk] = ident
        c = booth.company
        dataset.exhibitors.append(
            ExhibitorRow(
                exhibitor_id=ident,
                company=c.name,
                country=c.country.code,
                hs_codes=tuple(booth.hs_codes),
                target_markets=tuple(booth.target_markets),
                certifications=tuple(c.certifications),
                languages=tuple(c.languages),
                description=c.description,
            )
        )
    buyer_ids: dict[int, str] = {}
    buyers = (
        Participant.objects.filter(fair=fair, role=Participant.Role.BUYER, company__isnull=False)
        .select_related("company", "sourcing")
        .order_by("pk")
    )
    for p in buyers:
        try:
            profile = p.sourcing
        except SourcingProfile.DoesNotExist:
            continue
        if not profile.hs_codes:
            continue
        ident = p.external_id or f"buyer-{p.pk}"
        buyer_ids[p.pk] = ident
        dataset.buyers.append(
            BuyerRow(
                buyer_id=ident,
                company=p.company.name,
                country=p.company.country.code,
                hs_codes=tuple(profile.hs_codes),
                required_certifications=tuple(profile.required_certifications),
                languages=tuple(profile.languages),
                description=profile.description,
            )
        )
    rows = (
        Interaction.objects.filter(fair=fair)
        .order_by("at", "buyer_id", "booth_id", "kind")
        .values_list("buyer_id", "booth_id", "kind", "at")
    )
    append = dataset.interactions.append
    for buyer_pk, booth_pk, kind, at in tqdm(
        rows.iterator(chunk_size=20_000),
        desc="reading interactions",
        unit=" rows",
        file=sys.stderr,
        disable=not progress,
        mininterval=0.5,
    ):
        b, e = buyer_ids.get(buyer_pk), booth_ids.get(booth_pk)
        if b is not None and e is not None:
            append(InteractionRow(b, e, kind, at.astimezone(UTC)))
    return dataset


def fair_export(*, fair: Fair, path: str | Path, progress: bool = False) -> ExportReport:
    """Write the fair as a dataset folder that `fair_import` reads back unchanged."""
    dataset = fair_dataset(fair=fair, progress=progress)
    write_folder(dataset, path)
    return ExportReport(len(dataset.exhibitors), len(dataset.buyers), len(dataset.interactions))
