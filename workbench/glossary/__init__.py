"""Glossary: curated YAML termbase, Arabic-aware term matching, terminology QA and fixes."""
