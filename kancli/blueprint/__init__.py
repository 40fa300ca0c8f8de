"""kancli.blueprint"""
