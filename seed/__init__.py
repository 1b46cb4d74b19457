"""The curated dataset (seed/data) and the loader that puts it into the database."""
