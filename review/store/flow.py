"""The queries behind a PRISMA flow diagram: records per source, and where an update began.

Screening numbers are not here: they come from the screening library, which folds the decision
events; this mixin only counts provenance, which lives in SQL alone.
"""

from __future__ import annotations

from review.records import FlowSource
from review.store.base import BaseStore


class FlowStore(BaseStore):
    def flow_sources(self, since_id: int = 0) -> list[FlowSource]:
        """Records identified per source among records with ``id >= since_id``.

        A saved search counts each record its runs found once (however many runs found it); an
        import source (Embase, ...) counts the records of all its files; records that neither
        brought (the bundled demo) count by their origin. A record found by two sources counts
        for both, as PRISMA's identification box wants. Every saved search is listed, even with
        no records, since "searched, found nothing" is part of the report.
        """
        searches = self.query(
            "SELECT 'search' AS kind, s.name AS name, coalesce(f.n, 0) AS n FROM searches s "
            "LEFT JOIN (SELECT r.search_id, count(DISTINCT rs.record_id) AS n "
            "FROM record_sources rs JOIN search_runs r ON r.id = rs.run_id "
            "WHERE rs.record_id >= ? GROUP BY r.search_id) f ON f.search_id = s.id ORDER BY s.id",
            (since_id,),
        )
        imports = self.query(
            "SELECT 'import' AS kind, CASE i.source WHEN '' THEN 'Imported files (database not "
            "recorded)' ELSE i.source END AS name, count(*) AS n FROM record_imports ri "
            "JOIN imports i ON i.id = ri.import_id WHERE ri.record_id >= ? "
            "GROUP BY i.source ORDER BY min(i.id)",
            (since_id,),
        )
        other = self.query(
            "SELECT 'other' AS kind, origin AS name, count(*) AS n FROM records r WHERE id >= ? "
            "AND NOT EXISTS (SELECT 1 FROM record_sources s WHERE s.record_id = r.id) "
            "AND NOT EXISTS (SELECT 1 FROM record_imports i WHERE i.record_id = r.id) "
            "GROUP BY origin ORDER BY min(id)",
            (since_id,),
        )
        return [FlowSource(**r) for r in searches + imports + other]

    def first_update_record(self) -> int | None:
        """The lowest id of a record an update run added, or None if no update added any.

        Record ids grow with arrival and records are never deleted, so every record with a lower
        id was in the review before the update: the boundary of the "previous version".
        """
        return self.scalar(
            "SELECT min(rs.record_id) FROM record_sources rs "
            "JOIN search_runs r ON r.id = rs.run_id WHERE r.kind = 'update' AND rs.new = 1"
        )

    def group_first_records(self) -> dict[int, int]:
        """primary id -> the lowest record id in its duplicate group (records in no group are
        absent: they are their own first record)."""
        return {
            r["primary_id"]: r["first"]
            for r in self.query(
                "SELECT primary_id, min(record_id) AS first FROM duplicate_groups "
                "GROUP BY primary_id"
            )
        }
