"""The composition root: settings, databases and engine choice composed into the receptionist.

`compose` builds the agent every door uses; `cli/` is the `booking` command, `devtools/`
the scenario runner and evaluations, `studio` the LangGraph Studio adapter.
"""
