"""The flow engine and the authored content it reads: loading and checking flow
files (`loader`, `flow_problems`, `steps`, `conditions`, `feed_targets`), a flow
session as a pure state machine (`runner`, each flow's steps made ready for it in
`flow_index`), content cards and TOML reading (`content`, `links`, `search`) and
the child's replies. The data lives in the top-level `flows/` and `content/`
folders; this package is the code that reads them.

May import records and risk; never casework (a decision answer is handed to
casework by whoever runs the flow), documents, the UI or the commands.
"""
