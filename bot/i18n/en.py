"""English messages: the source text of every view, word for word as answers read.

Keys are dotted by where they show. A key ending in ``.one`` / ``.other`` is a plural
pair, picked by ``bot.i18n.tn`` from a count. Placeholders are ``str.format`` fields;
``tests/unit/i18n/test_catalog.py`` holds ``zh.py`` to the same keys and the same fields.
"""

from __future__ import annotations

from bot.i18n import (
    en_access,
    en_daily,
    en_errors,
    en_home,
    en_progress,
    en_quiet,
    en_scheduled,
    en_terminal,
    en_timeline,
)

MESSAGES: dict[str, str] = {
    # --- shared pieces --------------------------------------------------------------------
    "unnamed_instance": "(unnamed instance)",
    "button.fallback": "Open",
    "button.details": "Details",
    "button.refresh": "Refresh",
    "button.previous": "‹ Previous",
    "button.next": "Next ›",
    "button.share": "Share in channel",
    "button.subscribe_failures": "Subscribe to failures",
    "button.retry": "Retry",
    "sep.list": ", ",
    "sep.colon": ": ",
    "sep.statuses": ",",
    "times": "{name} ×{count}",
    "count_status": "{count} {status}",
    "started_at": "started {date}",
    "took": "took {duration}",
    # --- durations ------------------------------------------------------------------------
    "duration.seconds": "{s}s",
    "duration.minutes": "{m}m {s:02d}s",
    "duration.hours": "{h}h {m:02d}m",
    "duration.days": "{d}d {h}h",
    "duration.so_far": "{duration} so far",
    # --- the tasks summary ----------------------------------------------------------------
    "tasks.window.times_read_in": "times read in {zone}",
    "tasks.window.queried": "asked DMS for `begin_time={begin}` `end_time={end}` (UTC)",
    "tasks.window.instance": "instance `{id}`",
    "tasks.window.instance_where": "instance `{id}` in {where}",
    "tasks.filter.status": "status {statuses}",
    "tasks.filter.name": "name `{glob}`",
    "tasks.failed_named": ":red_circle: *{count} Failed*: {named}",
    "tasks.failed_more": "{named} and {more} more",
    "tasks.no_failures": ":large_green_circle: No failed tasks",
    "tasks.summary.filtered.one": "*{count} task* matches {filter} (of {total} in the window)",
    "tasks.summary.filtered.other": "*{count} tasks* match {filter} (of {total} in the window)",
    "tasks.summary.all.one": "*{count} task* started in this window",
    "tasks.summary.all.other": "*{count} tasks* started in this window",
    "tasks.truncated": (
        ":warning: Only {fetched} of {reported} tasks DMS reported could be fetched; "
        "narrow the window."
    ),
    "tasks.cached": ":floppy_disk: cached",
    "tasks.cached_fetched": ":floppy_disk: cached, fetched {ago}",
    "tasks.cached_hint": "{cached} · press Refresh for the latest",
    "tasks.paging": "{first}–{last} of {total}",
    "tasks.paging_pages": "{first}–{last} of {total} · page {page} of {pages}",
    "tasks.strip": "`{bars}` task starts, a bar per {slot} (tallest: {peak})",
    "tasks.strip_failed": "`{marks}` failed",
    "strip.minutes": "{n}m",
    "strip.hours": "{n}h",
    "strip.days": "{n}d",
    "strip.weeks": "{n}w",
    "tasks.past_last_page.one": ":warning: There is no page {asked}: there is only {count} page.",
    "tasks.past_last_page.other": (
        ":warning: There is no page {asked}: there are {count} pages; this is the last."
    ),
    "tasks.empty.filtered.one": (
        "No tasks matching {filter} started on *{name}* in this window "
        "({others} task did not match).\n"
        "Drop the filter, or widen the window (`last 24h`, `last 7d`)."
    ),
    "tasks.empty.filtered.other": (
        "No tasks matching {filter} started on *{name}* in this window "
        "({others} tasks did not match).\n"
        "Drop the filter, or widen the window (`last 24h`, `last 7d`)."
    ),
    "tasks.empty": (
        "No tasks started on *{name}* in this window.\n"
        "Widen the window, e.g. `last 24h` or `last 7d`."
    ),
    "tasks.text": "{instance} · {window}: {summary}",
    "tasks.text.filtered.one": "{shown} of {total} task matches the filter",
    "tasks.text.filtered.other": "{shown} of {total} tasks match the filter",
    "tasks.text.all.one": "{count} task",
    "tasks.text.all.other": "{count} tasks",
    "tasks.text.failed": ", {count} Failed",
    # --- one task -------------------------------------------------------------------------
    "details.status": "Status",
    "details.user": "User",
    "details.started": "Started",
    "details.finished": "Finished",
    "details.updated": "Updated",
    "details.duration": "Duration",
    "details.task_id": "Task id",
    "details.instance": "Instance",
    "details.task_name": "Task name",
    "details.shown_raw": "{shown} (`{raw}`)",
    "details.no_params": "No params.",
    "details.params_unreadable": "*Params* {marker}",
    "unreadable": "(unreadable: {why})",
    "unreadable.too_deep": "too deeply nested",
    "unreadable.too_large": "too large",
    "unreadable.not_text": "not text",
    "unreadable.fields": "Not readable from DMS: {fields}",
    "details.params": "*Params*",
    "details.params_masked": "*Params* · secrets masked",
    "details.truncated": "… (truncated: showing {shown:,} of {total:,} characters)",
    "details.text": "{task} · {status} on {instance}",
    # --- instances, help, errors ----------------------------------------------------------
    "instances.this_project": "this project",
    # Where instances are looked for (bot.core.dms.place): names stay as they are.
    "place.demo": "the demo simulator",
    "place.project": "project {project}",
    "place.region_project": "{region}, project {project}",
    "place.account": "account {name} ({place})",
    "place.account_entry": "{name} ({place})",
    "place.accounts": "accounts {accounts}",
    "instances.header": "Kafka instances in {place}",
    "instances.none": "No Kafka instances in {place}.",
    "instances.ask": "Ask `{example}` for an instance's tasks.",
    "instances.more": "… and {count} more. {tail}",
    "instances.text.one": "{count} Kafka instance in {place}",
    "instances.text.other": "{count} Kafka instances in {place}",
    "help.intro": (
        "Ask which background tasks ran on a DMS for Kafka instance, and how they ended. "
        "The same commands work with `/kafka-tasks`, a mention, and the local shell:"
    ),
    "help.text": "kafka-tasks: how to ask",
    "note.demo": (
        "No Huawei credentials set (HUAWEICLOUD_SDK_AK/SK): answering from the built-in DMS "
        "simulator's demo data."
    ),
    "error.title": "kafka-tasks could not answer",
    "error.text": "{title}: {said}",
    "error.fallback": "Something went wrong.",
    "error.more_choices": "… and {count} more: type the instance id to pick one.",
    "looking_up": ":hourglass_flowing_sand: Looking up {what}…",
    "looking_up.your_tasks": "your tasks",
    # --- the local shell (python -m bot shell) ------------------------------------------
    "shell.greeting": (
        "Type a command as you would after /kafka-tasks (try `prod-orders last 1h` or "
        "`help`); type a button's label to press it (`next`, `details 2`); Tab completes, "
        "Up recalls earlier commands; `quit` or Ctrl-D to leave."
    ),
    "shell.help": (
        "In this shell: type a button's label to press it (`next`, `details 2`); Tab "
        "completes commands and instance names; Up recalls earlier commands. Start it with "
        "`--builder` to get a Block Kit Builder link with each answer, to see it as Slack "
        "draws it."
    ),
    "shell.builder": "Block Kit Builder: {link}",
    "shell.delivery.thread": "(in Slack: posted in the answer's thread)",
    "shell.delivery.channel": "(in Slack: posted in the channel for everyone)",
    "shell.delivery.ephemeral": "(in Slack: only you see this)",
    "shell.which_button": (
        'Several buttons answer to "{typed}": {choices}. Type one of them, e.g. `{example}`.'
    ),
    "shell.not_shown": 'No "{typed}" button on screen now; the buttons shown: {choices}.',
    "shell.no_buttons": (
        'No "{typed}" button on screen now: ask something first, e.g. `prod-orders last 1h`.'
    ),
    "shell.cancelled": "(cancelled)",
    "shell.history_off": (
        "Commands are not remembered this time: cannot write {path} ({reason}). Set "
        "KAFKA_TASKS_HISTORY to a file you can write, or start with --history FILE."
    ),
    # What the conversation says of itself (not an upstream error): for its replies.
    "error.subscriptions_from_slack": (
        "Subscriptions deliver to Slack channels, so they are set up from Slack: "
        "`/kafka-tasks subscribe prod-orders failed` in the channel that should "
        "hear about it."
    ),
    "error.subscribe_in_slack": (
        "Subscriptions deliver to Slack channels; press Subscribe in Slack."
    ),
    "error.unreadable_button": (
        "This button's data could not be read (it may come from an older version "
        "of the bot). Run the command again."
    ),
    "error.unknown_button": "Unknown button {action}; run the command again.",
    "error.internal": (
        "Something went wrong on our side (incident {incident}); it is in the bot's "
        "log. Try again, and tell the bot's owners if it keeps happening."
    ),
    "error.pick_one": '"{name}" matches {count} instances. Pick one:',
    # A mention's public placeholder, once its answer has gone to the asker alone.
    "mention.private_error": "Could not answer that; the details went to <@{user}> only.",
    "mention.private_answer": "Answered <@{user}> privately.",
    "mention.private_unconfirmed": (
        "Slack did not confirm that the private answer to <@{user}> was shown; "
        "if it is not there, ask again."
    ),
    # A button's post Slack left unknown and the bot could not find: look before again.
    "button.unconfirmed": "Not confirmed",
    "button.unconfirmed_share": (
        "Slack did not confirm that the answer was shared, and the bot could not check "
        "the channel. Look in the channel before you share it again."
    ),
    "button.unconfirmed_thread": (
        "Slack did not confirm that the details were posted in the thread, and the bot "
        "could not check the thread. Look in the thread before you ask again."
    ),
    # --- watching: shared -----------------------------------------------------------------
    "watch.this_channel_id": "This channel (<#{channel}>)",
    "watch.this_conversation": "This conversation",
    "watch.this_channel_named": "This channel ({channel})",
    "watch.this_channel": "This channel",
    "watch.someone": "someone",
    "watch.scope.failed": "fails",
    "watch.scope.all": "finishes (any outcome)",
    "watch.scope.failed.matches": "fails and its name matches {glob}",
    "watch.scope.failed.contains": "fails and its name contains {glob}",
    "watch.scope.all.matches": "finishes (any outcome) whose name matches {glob}",
    "watch.scope.all.contains": "finishes (any outcome) whose name contains {glob}",
    "watch.params": "params {summary}",
    "watch.params_hidden": "(hidden: may hold a secret; see Details)",
    "watch.params_more": "{shown}, … (+{count} more)",
    # --- subscriptions --------------------------------------------------------------------
    "sub.what": "{channel} will get a message each time a task on *{name}* {scope}.",
    "sub.created": ":bell: {what}",
    "sub.updated": ":bell: Updated: {what}",
    "sub.not_replayed": "Tasks that finished before now are not replayed.",
    "sub.replaces": "This replaces the channel's earlier subscription to this instance.",
    "sub.body": "{head}\nWhen many finish at once they come as one digest. {note}",
    "sub.set_up_by": "Set up by {user} {date}",
    "sub.instance": "Instance `{id}`",
    "sub.stop_and_list": "To stop: {unsubscribe} · to list: {subscriptions}",
    "sub.text.created.failed": "Subscribed: tasks on {name} that fail",
    "sub.text.created.all": "Subscribed: tasks on {name} that finish (any outcome)",
    "sub.text.updated.failed": "Updated: tasks on {name} that fail",
    "sub.text.updated.all": "Updated: tasks on {name} that finish (any outcome)",
    "sub.text.glob": "{text} whose name matches {glob}",
    "unsub.this_instance": "this instance",
    "unsub.not_subscribed": "{channel} was not subscribed to *{name}*; nothing changed.",
    "unsub.see_list": "See this channel's subscriptions with {command}.",
    "unsub.not_subscribed_text": "This channel was not subscribed to {name}",
    "unsub.done": (
        ":no_bell: {channel} will no longer get messages about tasks on *{name}* "
        "(it got one each time a task {scope})."
    ),
    "unsub.again": "To subscribe again: {command}",
    "unsub.done_text": "Unsubscribed from {name}",
    "subs.none": "{channel} has no task notifications.\nSubscribe with {example}, e.g. {command}.",
    "subs.none_text": "This channel has no task notifications",
    "subs.failed_only": "failures only",
    "subs.any_outcome": "any outcome",
    "subs.line": "• *{name}* `{id}` · {scope}",
    "subs.line_glob": "{line} · name {glob}",
    "subs.line_by": "{line} · by {user} {date}",
    "subs.line_paused": (
        "{line} · :double_vertical_bar: _paused: the access rules no longer allow it_"
    ),
    "subs.header": "Task notifications in this channel",
    "subs.count.one": "{channel} · {count} subscription",
    "subs.count.other": "{channel} · {count} subscriptions",
    "subs.stop_one": "To stop one: {command}",
    "subs.more": "… and {count} more. {tail}",
    "subs.text.one": "{count} subscription in this channel",
    "subs.text.other": "{count} subscriptions in this channel",
    # --- notifications --------------------------------------------------------------------
    "finished.head": "{emoji} *{task}* {status} on *{instance}*",
    "finished.text": "{emoji} {task} {status} on {instance}",
    "finished.text_took": "{emoji} {task} {status} on {instance} ({duration})",
    "digest.header.one": "{count} task finished on {instance}",
    "digest.header.other": "{count} tasks finished on {instance}",
    "digest.more": "… and {count} more: {listed}",
    "digest.any_details": "Any task's details: {command}",
    # --- status threads -------------------------------------------------------------------
    "reply.failed": "*{task}* {status}",
    "reply.finished": "*{task}* finished: {status}",
    "reply.now": "*{task}* is now {status}",
    "reply.after": "{line} after {duration}",
    "reply.so_far": "{line} ({duration})",
    "reply.text": "{emoji} {task} {status} on {instance}",
    "reply.text_after": "{emoji} {task} {status} after {duration} on {instance}",
    "closed.a_while": "a while",
    "closed.hours": "{hours} h",
    "closed.names_more": "{named} and {count} more",
    "closed.still_running": "still running: {named}",
    "closed.none_running": "nothing was left running",
    "closed.line": (
        ":zzz: Stopped following after {after}; {state}; ask again with {command} for the latest."
    ),
    "closed.text": "Stopped following {instance} after {after}",
    # --- DMS reachability -----------------------------------------------------------------
    "unreachable.the_instance": "the instance",
    "unreachable.no_answer": "no answer",
    "unreachable.line": (
        ":warning: Cannot reach *{instance}* since {date}: {why}.\n"
        "Notifications will resume when DMS answers; nothing will be lost."
    ),
    "unreachable.text": "Cannot reach {instance}: {why}",
    "reachable.the_instance": "The instance",
    "reachable.line": (
        ":white_check_mark: *{instance}* is reachable again (after {after}). "
        "Any tasks that finished meanwhile follow."
    ),
    "reachable.text": "{instance} is reachable again (after {after})",
    "paused.line": (
        ":double_vertical_bar: Task notifications for *{instance}* are paused here: the "
        "access rules no longer allow this channel to follow it. Nothing more is posted "
        "until they do again; ask whoever runs kafka-tasks if this is unexpected."
    ),
    "paused.text": "Task notifications for {instance} are paused here by the access rules",
    "resumed.line": (
        ":arrow_forward: Task notifications for *{instance}* are back on: the access rules "
        "allow this channel to follow it again. Tasks that finished while paused are not "
        "posted."
    ),
    "resumed.text": "Task notifications for {instance} are back on",
    # --- task statuses (bot.core.dms.models.TaskStatus) ---------------------------------------
    "status.CREATED": "Created",
    "status.EXECUTING": "Running",
    "status.SUCCESS": "Succeeded",
    "status.FAILED": "Failed",
    "status.DELETED": "Deleted",
    "status.CANCELLED": "Cancelled",
    # --- instance statuses (dms-api.md §3) ------------------------------------------------
    "instance_status.CREATING": "Creating",
    "instance_status.CREATEFAILED": "Creation failed",
    "instance_status.RUNNING": "Running",
    "instance_status.ERROR": "Error",
    "instance_status.RESTARTING": "Restarting",
    "instance_status.STARTING": "Starting",
    "instance_status.EXTENDING": "Scaling",
    "instance_status.EXTENDEDFAILED": "Scaling failed",
    "instance_status.FROZEN": "Frozen",
    "instance_status.FREEZING": "Freezing",
    "instance_status.UPGRADING": "Upgrading",
    "instance_status.ROLLINGBACK": "Rolling back",
    "instance_status.DELETING": "Deleting",
    # --- task names DMS sends (ListBackgroundTasks ``name``) -----------------------------
    # Three are confirmed by the official examples (modifyAutoTopic, changeRetentionPolicy,
    # bindInstancePublicIp); the rest are the names the simulator uses and their likely
    # siblings (dms-api.md §2). Any other name is shown as DMS sent it.
    "task.createInstance": "Create instance",
    "task.deleteInstance": "Delete instance",
    "task.restartInstance": "Restart instance",
    "task.extendInstance": "Scale instance",
    "task.upgradeInstance": "Upgrade instance",
    "task.modifyInstanceName": "Rename instance",
    "task.bindInstancePublicIp": "Enable public IP",
    "task.unbindInstancePublicIp": "Disable public IP",
    "task.createTopic": "Create topic",
    "task.deleteTopic": "Delete topic",
    "task.modifyTopic": "Change topic",
    "task.addPartitions": "Add partitions",
    "task.reassignPartitions": "Reassign partitions",
    "task.modifyAutoTopic": "Change topic auto-creation",
    "task.changeRetentionPolicy": "Change retention policy",
    "task.modifyConfigs": "Change configuration",
    "task.createUser": "Create user",
    "task.deleteUser": "Delete user",
    "task.resetPassword": "Reset password",
    "task.resetConsumerOffset": "Reset consumer offsets",
    "task.deleteGroup": "Delete consumer group",
}
# The Home tab's, the refusals' and the errors' texts live beside this file, so that each
# stays readable.
MESSAGES |= {
    **en_home.MESSAGES,
    **en_access.MESSAGES,
    **en_errors.MESSAGES,
    **en_timeline.MESSAGES,
    **en_quiet.MESSAGES,
    **en_progress.MESSAGES,
    **en_scheduled.MESSAGES,
    **en_daily.MESSAGES,
    **en_terminal.MESSAGES,
}
