"""Importing salary data points from CSV, all or nothing, one module per job.

- `read`: the file's bytes as CSV rows with their line numbers, its checksum, progress;
- `parse`: the header's format (Careerpath's or ai-jobs.net's) and each row checked into
  a data point, a skip (a title with no mapping) or the row's problems;
- `report`: the problems (line, column, value, reason) and what a person is told;
- `write`: data points into the database in bulk (PostgreSQL `COPY`, else INSERTs), and
  rolling a batch back;
- `oews`: BLS OEWS "all data" rows checked into market estimates (not data points),
  and written;
- `run`: one import, start to end, in one transaction (`Importer`).

Used by `manage.py import_salaries`, the admin's upload form and the demo loader.
"""
