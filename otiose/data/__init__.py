"""Vocabulary data files (YAML) read by otiose.content.vocab."""
