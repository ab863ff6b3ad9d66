"""Developer tools: the scenario runner, `eval-dst`, `eval-calls` and the scripted offline model."""
