"""kancli.cli"""
