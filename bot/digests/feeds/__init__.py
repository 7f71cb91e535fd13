"""The feed engine: fetch (`fetch`), read (`parse`, `text`), recognise duplicates (`normalize`), choose (`rank`),
and the shipped catalog (`catalog`). Database-bound decisions live in `bot.digests.store`.
"""
