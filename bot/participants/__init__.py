"""The participant database's files, as pure functions (no database, no Slack).

- `values`: one validator per kind of value (email, ORCID, country, career stage, role...), shared by
  the file imports and by `bot.participants.service.update_participant_record`;
- `names`: normalisation of names and affiliations for matching people across databases;
- `tables`: reading CSV/XLSX files into rows of text, and writing CSV/XLSX with formula neutralisation;
- `sheets`: header aliases and row validation for the three files (participants, meetings, the overseas
  Korean scientists and engineers database), and the export's header and cells.

Problems are reported as catalog keys (`participants.error.*`, `participants.file.*`) with named
parameters, so every text a person reads comes from `bot/i18n/catalog/*/participants.po`.
"""
