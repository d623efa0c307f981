"""Spiders fetch and hand bytes to parsers; nothing else."""
