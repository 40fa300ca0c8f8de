"""kancli.functions"""
