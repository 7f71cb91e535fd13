"""The casebook of exemplary clubs the secretariat publishes in January (picks, consent before print, interviews,
the foreword, the document), and the one-page club brief for the December club operation meeting."""
