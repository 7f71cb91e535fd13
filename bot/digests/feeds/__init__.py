"""The feed engine, pure (no database): fetch (`fetch`, with what a fetch is in `types` and which addresses it
may reach in `addresses`), read (`decode`, `parse` a piece at a time with `chunks`, `dates`, `pages`, `text`),
recognise duplicates (`normalize`, `doi`), choose (`rank`), fetch and parse many at once (`pipeline`), and the
shipped catalog (`catalog`). Database-bound decisions live in the store (`bot.digests.store`); who may do what,
schedules and posts in the digest service (`bot.digests.service`).
"""
