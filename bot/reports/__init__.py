"""Quarterly club operation reports.

The engine, pure functions over plain rows (no Slack; the database only in `load`):

- `period`: the reporting period (a calendar quarter or any date range) and its instants in a time zone;
- `rows`: plain dataclasses of the stored items the report reads (one list per table);
- `load`: reading those rows with one query per table, whatever the number of clubs;
- `settings`: the secretariat's scoring and selection settings (`bot/data/report_settings.yaml`), validated;
- `results`: the figures' dataclasses; `figures`: every figure, computed from the rows (per club and program-wide);
- `fonts`, `charts`, `docx` (with `docx_program`, `docx_club`), `xlsx`: the files (Word per language, Excel, PNG);
- `build`: rows → figures → files in a folder, for the service, the clock and `clubbot report`.

The feature around it: `types` (what it talks about), `parse` and `views` (pure), `timing` (when),
`narrative` (the leaders' narrative), `store` (stored reports), `delivery` (through the outbox) and
`service` (which report, building it, the quarterly runs); `cli` is `clubbot report`.
"""
