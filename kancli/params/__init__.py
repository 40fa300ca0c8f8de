"""kancli.params"""
