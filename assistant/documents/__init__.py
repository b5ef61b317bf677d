"""Documents for the child's file, built from what a case recorded: report
definitions (`reports`), how each item is filled (`items`), the built report as
blocks (`blocks`), rendering as Markdown, HTML or plain text (`formats`; the HTML
page to print is `pages`, with its pictures in `charts` and its print stylesheet in
`print_css`), a PDF made from that page where WeasyPrint is installed (`pdf`),
writing a file safely (`exports`) and an answer in words (`describe`).

May import casework, flows, records and risk; never the UI or the commands.
"""
