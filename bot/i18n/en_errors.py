"""English for what can go wrong: DMS's failures, lookups, and the grammar's refusals.

Part of the catalog (``bot.i18n.en`` takes these in): the errors of ``bot.core`` carry
a key and parameters (``bot.i18n.Said``) and are said from here, in English word for
word as ``str(exc)`` has always read (logs, the CLI and the audit log quote it).
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- pieces ---------------------------------------------------------------------------
    # Text no catalog translates: a name, what DMS itself sent.
    "as_is": "{text}",
    "sentence": "{text}.",
    # The full stops a sentence may already end with, dropped before "sentence" ends it.
    "sentence.stops": ".",
    "sep.sentences": " ",
    "sep.names": ", ",
    "error.request_id": "(request id {id})",
    # --- DMS: what went wrong (bot.core.dms.errors) -----------------------------------
    "dms.answered": "DMS answered {status}: {text}",
    "dms.answered_code": "DMS answered {status} {code}: {text}",
    "dms.refused_credentials": "DMS refused the credentials ({code}): {text}",
    "dms.timed_out": "DMS did not answer within {seconds} s",
    "dms.connection_lost": "the connection to DMS failed before it answered",
    "dms.unreachable": "DMS at {endpoint} could not be reached ({failure})",
    "dms.connect.refused": "connection refused",
    "dms.connect.unknown_host": "no such host",
    "dms.connect.timed_out": "no answer to connect",
    "dms.connect.failed": "connection failed",
    "dms.no_task": "DMS has no task {task} on instance {instance}",
    "dms.not_json": "DMS sent a body that is not JSON",
    "dms.tasks_not_object": "DMS sent a task list that is not a JSON object",
    "dms.tasks_missing": "DMS reported tasks but sent none",
    "dms.tasks_shape": "DMS sent tasks in an unexpected shape",
    "dms.instances_shape": "DMS sent an instance list in an unexpected shape",
    # --- DMS: what to do ------------------------------------------------------------------
    "dms.hint.error": "Try again; if it keeps failing, check the DMS console.",
    "dms.hint.auth": (
        "Check HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (and HUAWEICLOUD_SDK_SECURITY_TOKEN "
        "for temporary keys), HUAWEICLOUD_SDK_PROJECT_ID, the machine's clock, and that the "
        "key may call `{action}`."
    ),
    "dms.hint.not_found": "Check the id, or run `instances` to list what this project has.",
    "dms.hint.throttled": "DMS is throttling requests; try again in {wait} s.",
    "dms.hint.unavailable": "DMS did not answer in time; try again shortly.",
    "dms.hint.unreachable": (
        "Check {what}, and that this machine can reach that address (network, proxy, "
        "firewall); then try again."
    ),
    "dms.hint.endpoint_setting": "the DMS endpoint setting (DMS_ENDPOINT or HUAWEICLOUD_REGION)",
    "dms.hint.protocol": "DMS sent something unexpected; the detail is in the bot's log.",
    "dms.hint.request": "DMS refused the request; check the instance and the window.",
    # --- lookups --------------------------------------------------------------------------
    "unknown_instance": 'No Kafka instance named "{name}".',
    "unknown_instance.in": 'No Kafka instance named "{name}" in {where}.',
    "unknown_instance.close": "Close matches: {names}.",
    "unknown_instance.list": "Run `instances` to list them.",
    "unknown_instance.button": (
        "Did you mean the {label} button? Buttons are on answers (ask `<instance> last 1h`); "
        "in the shell, type one's label to press it: `{meant}`."
    ),
    "unknown_instance.command": "Did you mean `{meant}`?",
    "unknown_task": (
        'No task "{task}" on {instance}. To find a task\'s id, ask `{instance} last 24h` and '
        "press Details beside the task (the table of `python -m bot tasks` has an ID column)."
    ),
    "ambiguous": '"{name}" matches several instances: {candidates}. Use the full name or id.',
    "ambiguous.candidate": "{name} ({id})",
    "unknown_place": (
        '"{place}" in "{wanted}" is not an account or a region the bot knows ({known}). '
        "Write <instance>@<account> or <instance>@<region>."
    ),
    "unknown_place.accounts": "accounts: {accounts}",
    "unknown_place.regions": "{known}; regions: {regions}",
    # --- the grammar's refusals (bot.core.grammar) ----------------------------------------
    "grammar.error": 'couldn\'t read "{quoted}" as {reading}; try "{suggestion}"',
    "grammar.error.why": 'couldn\'t read "{quoted}": {why}; try "{suggestion}"',
    "grammar.reading.command": "a command",
    "grammar.reading.window": "a time window",
    "grammar.reading.status": "a task status",
    "grammar.reading.option": "a subscription option",
    "grammar.reading.language": "a language",
    "grammar.why.too_long": "a command is at most {most} characters",
    "grammar.why.task_after_instance": "a task id comes right after the instance",
    "grammar.why.status_alone": (
        'only "failed" and "running" stand alone; other statuses follow "status"'
    ),
    "grammar.why.one_task_id": 'give exactly one task id after "task"',
    "grammar.why.task_id_shape": (
        "a task id is letters, digits, - and _, and starts with a letter or digit"
    ),
    "grammar.why.which_status": "which status? e.g. failed, running, success",
    "grammar.why.which_name": "which task name? a glob like modify*",
    "grammar.why.page": "a page is a whole number from 1",
    "grammar.why.twice": '"{keyword}" is given twice',
    "grammar.why.which_instance": "which instance? e.g. {example}",
    "grammar.why.which_language": "which language? zh (Chinese) or en (English)",
    "grammar.why.one_instance": "give exactly one instance",
    "grammar.why.instance_first": "start with the instance name or id",
    "grammar.why.instance_shape": (
        "an instance is a name of letters, digits, -, _ and . or an id (name@account)"
    ),
    "grammar.why.nothing_after": '"{command}" takes nothing after it',
    "grammar.why.out_of_range": "that date is out of range",
    "grammar.why.api_form": "the API form is YYYYMMDDHHmmss",
    "grammar.why.no_such_moment": "there is no such date or time",
    "grammar.why.no_such_date": "there is no such date",
    "grammar.why.needs_length": "it needs a length",
    "grammar.why.too_long_window": "the longest window is {days} days",
    "grammar.why.zero": "a window must be longer than zero",
    "grammar.why.needs_time": "it needs a time",
    "grammar.why.future": "that is in the future",
    "grammar.why.needs_start": "it needs a start",
    "grammar.why.needs_end.to": 'it needs an end ("to ...")',
    "grammar.why.needs_end.and": 'it needs an end ("and ...")',
    "grammar.why.ends_first": "it ends before it begins",
    "grammar.why.today_begun": "today has only just begun",
    "grammar.why.empty": "that window is empty",
    "grammar.why.two_zones": "it has two time zones",
    "grammar.why.am_pm_hour": "with am or pm the hour must be 1–12",
    "grammar.why.minutes": "a time needs minutes or am/pm, as in 09:00 or 9am",
    "grammar.why.hour": "the hour is out of range (00–23)",
    "grammar.why.minute": "the minute is out of range (00–59)",
    "grammar.why.second": "the second is out of range (00–59)",
    "grammar.why.offset": "the offset is out of range (-14:00 to +14:00)",
    "grammar.why.zone": "that is not a time zone I know",
}
