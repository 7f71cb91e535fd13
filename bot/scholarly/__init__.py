"""Scholarly metadata: DOIs looked up in Crossref, members' joint works discovered through OpenAlex.

`types` (the values), `errors`, `identifiers` (DOI/ORCID/OpenAlex id forms, pure), `http` (the one polite,
guarded HTTP layer), the clients `crossref` and `openalex` (the network behind one object each), `clients`
(both built from the settings) and `discovery` (pure: which works are a club's joint works).
"""
