"""The catalog (source of truth) and the search index derived from it. Never imports Flask."""
