"""kancli.state"""
