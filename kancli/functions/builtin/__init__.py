"""kancli.functions.builtin"""
