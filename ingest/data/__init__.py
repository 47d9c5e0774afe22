"""Lexicons and synonym tables of `ingest`, kept as data so they can be read and extended without code."""
