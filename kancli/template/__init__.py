"""kancli.template"""
