"""Pure code, standard library only: the bot's models, errors, grammar, windows, access policy
and redaction.
"""
