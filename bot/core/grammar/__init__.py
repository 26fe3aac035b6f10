"""The command grammar: what people type (in English, Chinese, or both) read as commands.

- ``commands``: a command's text -> a typed command (``parse_command``); ``vocabulary``
  its English words; ``slack_text`` Slack's markup undone; ``misread`` what a first
  word that names no instance most likely was; ``help`` the usage text.
- ``window`` a time window and the API's forms; ``window_parse`` reading one ("last 1h",
  "since 09:00"); ``window_parts`` its lengths, times and zones.
- ``zh_words``, ``zh_read``, ``zh_order``: Chinese read as the English words;
  ``zh_write`` English grammar written in Chinese (for suggestions).
- ``errors``: the refusals (``CommandError``, ``WindowError``), said in each language.
"""
