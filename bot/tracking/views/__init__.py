"""Block Kit for follow-up tracking, one module per thing shown: item cards (`cards`), private answers
(`answers`), `/club list` (`lists`), `/club status` (`status`), the items' forms (`modals`), deadline
reminders (`deadlines`) and surveys (`surveys`).

Pure functions of plain values (`bot.tracking.types`) and a language: a view never reads the database and
never imports a service.
"""
