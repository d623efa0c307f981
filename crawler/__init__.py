"""Sources to listings: spiders fetch, parsers read bytes, normalization makes listings."""
