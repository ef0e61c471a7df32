"""reader: a desktop reader for a folder of news articles written by a curation pipeline."""

__version__ = "0.1.0"
