"""kancli.runner"""
