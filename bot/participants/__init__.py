"""The participant database: the secretariat's files, and the operations on the people they describe.

Pure (no database, no Slack):
- `types`: the records read from the files, the export's rows, and what each operation did;
- `values`: one validator per kind of value (email, ORCID, country, career stage, role...), shared by
  the file imports and by `bot.participants.records.update_participant_record`;
- `names`: normalisation of names and affiliations for matching people across databases;
- `tables`: reading CSV/XLSX files into rows of text, and writing CSV/XLSX with formula neutralisation;
- `headers`: the columns' aliases and finding the header row;
- `sheets`: row validation for the three files (participants, meetings, the overseas Korean scientists
  and engineers database), and the export's header and cells.

On the database (a `Session` in, `types` out; they never commit):
- `importing`: people with their attendance at a meeting, and meetings;
- `overseas`: linking with the overseas Korean scientists and engineers database;
- `export`: the people selected for the export;
- `records`: one person's record edited from Slack;
- `erasure`: erasing a person on request, and finding where given values are still stored.

`cli` is the `clubbot import|export|forget` commands. Problems are reported as catalog keys
(`participants.error.*`, `participants.file.*`) with named parameters, so every text a person reads comes
from `bot/i18n/catalog/*/participants.po`.
"""
