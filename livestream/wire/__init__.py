"""The wire-format vocabulary."""
