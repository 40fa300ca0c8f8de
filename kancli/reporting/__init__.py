"""kancli.reporting"""
