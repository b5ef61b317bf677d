"""Documents for the child's file, built from what a case recorded: report
definitions (`reports`), how each item is filled (`items`), the built report as
blocks (`blocks`), rendering as Markdown, HTML or plain text (`formats`), writing
a file safely (`exports`) and an answer in words (`describe`).

May import casework, flows, records and risk; never the UI or the commands.
"""
