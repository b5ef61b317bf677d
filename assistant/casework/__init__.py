"""What a case means: its answers turned into the classifier's input (`feeds`,
`classification`; each session replayed once in `replay`), the practitioner's
decisions, independent classification rounds, the timeline, what is due under
each policy profile (`due`; the engine's and the policies' items in `due_rules`,
the newest supervision's in `due_supervision`; kept in `due_cache`, keyed by
`due_versions`; a long run shared with a helper process, `due_helper`), the
practice cases and quiz (`learning`) and the fictional demo case.

May import flows, records and risk; never documents, the UI or the commands.
"""
