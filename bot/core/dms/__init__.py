"""What DMS is to the bot: its records, its errors, the ids it takes and the one protocol every
source speaks.
"""
