"""Tests of kancli.functions: declarations, registry, weak decoding, output parsing."""
