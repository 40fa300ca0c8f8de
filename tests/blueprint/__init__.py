"""Tests of kancli.blueprint: loading, locations and validation."""
