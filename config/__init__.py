"""Settings types and loading: one TOML file (`radar.toml`), overridable by environment variables.

A leaf package: it imports nothing of the project, so every layer may import it. `config.settings`
holds the settings object and `load_settings`; `config.arxiv` and `config.alerts` hold the types of
the `[arxiv]` and `[alerts]` sections. The CLI or a flow loads the settings once per run and passes
them down; nothing below reads the environment for settings itself.
"""
