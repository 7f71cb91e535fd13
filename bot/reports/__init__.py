"""Quarterly club operation reports, as pure functions over plain rows (no Slack; the database only in `load`).

- `period`: the reporting period (a calendar quarter or any date range) and its instants in a time zone;
- `rows`: plain dataclasses of the stored items the report reads (one list per table);
- `load`: reading those rows with one query per table, whatever the number of clubs;
- `settings`: the secretariat's scoring and selection settings (`bot/data/report_settings.yaml`), validated;
- `figures`: every figure of the report, computed from the rows (per club and program-wide);
- `fonts`, `charts`, `docx`, `xlsx`: the files (Word per language, Excel, PNG charts);
- `build`: rows → figures → files in a folder, for the service, the clock and `clubbot report`.
"""
