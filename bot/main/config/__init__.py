"""The config file ``kafka-tasks.toml``: accounts, aliases, defaults and access rules.

Read once at start from the path in ``KAFKA_TASKS_CONFIG`` (optional: without it the
bot is configured from the environment alone, as before). Every key::

    [defaults]
    account = "prod"            # the account an id found in no listing is tried on;
                                # default: the first account
    timezone = "Asia/Shanghai"  # default zone for answers (KAFKA_TASKS_TZ still wins)
    language = "zh"             # "en" or "zh": for users whose Slack locale is unknown,
                                # and the shell

    [accounts.prod]                       # one table per account; the name is what
                                          # name@account and the answers use
    region = "cn-north-4"                 # required unless endpoint is given
    project_id = "0123456789abcdef..."    # required
    ak_env = "PROD_HUAWEICLOUD_SDK_AK"    # NAME of the env var holding the AK (required)
    sk_env = "PROD_HUAWEICLOUD_SDK_SK"    # NAME of the env var holding the SK (required)
    security_token_env = "PROD_TOKEN"     # optional (temporary credentials)
    endpoint = "https://dms.cn-north-4.myhuaweicloud.com"  # optional; default from region

    [aliases]                             # account optional: default, the default account
    orders = { account = "prod", instance = "<instance id>" }

    [access]                              # rules: see bot.core.access
    ...

The file never holds a key: an account names the environment variables that do, and
a key written into the file is refused. With no ``[accounts]`` the one account of the
environment (``HUAWEICLOUD_SDK_*``) is used, and aliases name instances of it.

Every problem is reported as ``<file> line N: <what is wrong and what to do>``, the
line found in the text (tomllib gives values, not where they were written), and no
message ever carries a value read from the environment.

The reading is split by section, one module each: the file and its TOML syntax errors
(``file``, ``errors``), where a key was written (``locate``), ``[defaults]``,
``[accounts]`` and ``[aliases]`` (``[access]`` is read by ``bot.core.access``).
"""

from bot.main.config.errors import ConfigFileError, Problem
from bot.main.config.file import load_config_file
from bot.main.config.locate import locate
from bot.main.config.model import Account, ConfigFile

__all__ = ["Account", "ConfigFile", "ConfigFileError", "Problem", "load_config_file", "locate"]
